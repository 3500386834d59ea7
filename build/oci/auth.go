package oci

import (
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
)

// Environment variables with the registry's credentials, for CI where writing a docker
// config is awkward. They apply only to the registry pushed to; without them the docker
// config is used (authn.DefaultKeychain: $DOCKER_CONFIG/config.json or
// ~/.docker/config.json, its credential helpers, then podman's auth.json), else no
// credentials at all.
const (
	EnvUsername = "AIWASM_REGISTRY_USERNAME"
	EnvPassword = "AIWASM_REGISTRY_PASSWORD"
)

// Keychain resolves credentials for registry (host[:port]): the environment first, then
// the docker config.
func Keychain(registry string) authn.Keychain {
	return authn.NewMultiKeychain(envKeychain{registry: registry}, authn.DefaultKeychain)
}

type envKeychain struct{ registry string }

// Resolve answers Anonymous for other registries or when the variables are unset, which
// lets the multi-keychain go on to the docker config.
func (k envKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	user, pass := os.Getenv(EnvUsername), os.Getenv(EnvPassword)
	if r.RegistryStr() != k.registry || (user == "" && pass == "") {
		return authn.Anonymous, nil
	}
	return authn.FromConfig(authn.AuthConfig{Username: user, Password: pass}), nil
}
