package main

// State is what the plugin keeps about one request between callbacks. The handlers, still
// to come, fill it.
type State struct{}
