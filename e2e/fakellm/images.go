package fakellm

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"time"
)

// imageRequest is the part of POST /v1/images/generations the fake reads.
type imageRequest struct {
	Model          string  `json:"model"`
	Prompt         *string `json:"prompt"`
	N              *int    `json:"n"`
	Size           string  `json:"size"`
	ResponseFormat string  `json:"response_format"` // url (default) or b64_json
}

type imagesResponse struct {
	Created int64       `json:"created"`
	Data    []imageItem `json:"data"`
}

type imageItem struct {
	URL     string `json:"url,omitempty"`
	B64JSON string `json:"b64_json,omitempty"`
}

// maxImages is the most images one request may ask for, as in OpenAI's API.
const maxImages = 10

// serveImages answers POST /v1/images/generations and Azure's images/generations: n
// images (default 1), each a URL under https://fake.invalid/images/ or a 1x1 PNG in
// base64, both derived from the model, size, prompt and the image's index.
func serveImages(c *call) {
	var req imageRequest
	if !c.decodeBody(&req) {
		return
	}
	if req.Prompt == nil || *req.Prompt == "" {
		c.fail(apiError{status: 400, message: "Missing required parameter: 'prompt'.", param: "prompt"})
		return
	}
	n := 1
	if req.N != nil {
		n = *req.N
	}
	if n < 1 || n > maxImages {
		c.fail(apiError{status: 400, message: fmt.Sprintf("Invalid 'n': expected a value between 1 and %d, but got %d instead.", maxImages, n), param: "n"})
		return
	}
	if f := req.ResponseFormat; f != "" && f != "url" && f != "b64_json" {
		c.fail(apiError{status: 400, message: fmt.Sprintf("Invalid value: '%s'. Supported values are: 'url' and 'b64_json'.", f), param: "response_format"})
		return
	}
	model := req.Model
	if c.api == APIAzure {
		model = c.pathModel
	}
	out := imagesResponse{Created: time.Now().Unix(), Data: []imageItem{}}
	for i := range n {
		sum := sha256.Sum256([]byte(model + "\x00" + req.Size + "\x00" + *req.Prompt + "\x00" + strconv.Itoa(i)))
		if req.ResponseFormat == "b64_json" {
			out.Data = append(out.Data, imageItem{B64JSON: base64.StdEncoding.EncodeToString(tinyPNG(sum))})
		} else {
			out.Data = append(out.Data, imageItem{URL: "https://fake.invalid/images/" + hex.EncodeToString(sum[:12]) + ".png"})
		}
	}
	c.sendJSON(out)
}

// tinyPNG is a valid 1x1 PNG whose colour comes from sum, so different images differ.
func tinyPNG(sum [32]byte) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.NRGBA{R: sum[0], G: sum[1], B: sum[2], A: 255})
	var b bytes.Buffer
	_ = png.Encode(&b, img) // cannot fail on a bytes.Buffer
	return b.Bytes()
}
