package fakellm

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
)

func TestImagesWithSDK(t *testing.T) {
	srv := startFake(t, Config{OpenAIKey: "sk"})
	client := newOpenAIClient(srv.URL()+"/v1", "sk")
	ctx := context.Background()
	params := openai.ImageGenerateParams{Prompt: "a red fox", Model: openai.ImageModelDallE2, N: openai.Int(3), Size: openai.ImageGenerateParamsSize256x256}

	res, err := client.Images.Generate(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != 3 || res.Created == 0 {
		t.Fatalf("%d images, created %d", len(res.Data), res.Created)
	}
	seen := map[string]bool{}
	for i, img := range res.Data {
		if !strings.HasPrefix(img.URL, "https://fake.invalid/images/") || !strings.HasSuffix(img.URL, ".png") || img.B64JSON != "" || seen[img.URL] {
			t.Errorf("image %d: url %q b64 %d bytes (urls so far %v)", i, img.URL, len(img.B64JSON), seen)
		}
		seen[img.URL] = true
	}
	again, err := client.Images.Generate(ctx, params)
	if err != nil || again.Data[0].URL != res.Data[0].URL {
		t.Errorf("the same request gave %v, %v; want %s", again, err, res.Data[0].URL)
	}
	params.Prompt = "a blue fox"
	if other, err := client.Images.Generate(ctx, params); err != nil || other.Data[0].URL == res.Data[0].URL {
		t.Errorf("another prompt gave the same image: %v", err)
	}

	params.N, params.ResponseFormat = openai.Int(1), openai.ImageGenerateParamsResponseFormatB64JSON
	b64, err := client.Images.Generate(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(b64.Data[0].B64JSON)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil || img.Bounds().Dx() != 1 || b64.Data[0].URL != "" {
		t.Errorf("b64_json is not a 1x1 PNG: %v, url %q", err, b64.Data[0].URL)
	}

	last, _ := srv.Last()
	if last.API != APIOpenAI || last.Endpoint != "images/generations" || !strings.Contains(string(last.Body), "a blue fox") {
		t.Errorf("recorded %+v", last)
	}
}

func TestAzureImagesWithSDK(t *testing.T) {
	srv := startFake(t, Config{AzureKey: "az"})
	client := newAzureClient(srv, "my-dalle", "az")
	res, err := client.Images.Generate(context.Background(), openai.ImageGenerateParams{Prompt: "a fox"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != 1 || !strings.HasPrefix(res.Data[0].URL, "https://fake.invalid/images/") {
		t.Errorf("data %+v", res.Data)
	}
	last, _ := srv.Last()
	if last.API != APIAzure || last.Endpoint != "images/generations" || last.Path != "/openai/deployments/my-dalle/images/generations" {
		t.Errorf("recorded %+v", last)
	}
}

func TestImagesErrors(t *testing.T) {
	srv := startFake(t, Config{})
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		param                    any
	}{
		{"missing prompt", "POST", "/v1/images/generations", `{"model":"dall-e-2"}`, 400, "prompt"},
		{"empty prompt", "POST", "/v1/images/generations", `{"prompt":""}`, 400, "prompt"},
		{"n too large", "POST", "/v1/images/generations", `{"prompt":"x","n":11}`, 400, "n"},
		{"n zero", "POST", "/v1/images/generations", `{"prompt":"x","n":0}`, 400, "n"},
		{"bad response_format", "POST", "/v1/images/generations", `{"prompt":"x","response_format":"gif"}`, 400, "response_format"},
		{"malformed JSON", "POST", "/v1/images/generations", `{"prompt":`, 400, nil},
		{"wrong method", "GET", "/v1/images/generations", ``, 405, nil},
		{"azure without api-version", "POST", "/openai/deployments/d/images/generations", `{"prompt":"x"}`, 400, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, tc.method, srv.URL()+tc.path, tc.body)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			v := res.json(t)
			if field(v, "error", "message") == "" || !strings.HasPrefix(tc.path, "/openai/") && field(v, "error", "param") != tc.param {
				t.Errorf("body %s, want param %v", res.body, tc.param)
			}
		})
	}
}
