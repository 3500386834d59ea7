package llm

import (
	"strings"

	"github.com/tidwall/gjson"
)

// partKind is what an OpenAI content part carries.
type partKind uint8

const (
	textPart  partKind = iota
	imagePart          // image_url
	filePart           // file with file_data (a data: URL), such as a PDF
	audioPart          // input_audio
)

// contentPart is one OpenAI content part, decoded enough for any provider to write it.
type contentPart struct {
	kind partKind
	// text is the JSON string of a text part.
	text gjson.Result
	// url is an http(s) URL the provider fetches; mime and data are inline media (data is
	// base64) when url is "".
	url, mime, data string
}

// forEachPart calls fn for each part of a message's content: a string is one text part, an
// array holds parts, null or absent holds none. where is the content's path, for errors.
func forEachPart(content gjson.Result, where func() string, fn func(j int, p contentPart) error) error {
	switch {
	case !content.Exists() || content.Type == gjson.Null:
		return nil
	case content.Type == gjson.String:
		return fn(0, contentPart{kind: textPart, text: content})
	case !content.IsArray():
		return requestErr(where(), "want a string or an array of parts")
	}
	var err error
	j := 0
	content.ForEach(func(_, raw gjson.Result) bool {
		var p contentPart
		if p, err = decodePart(raw, func() string { return at(where(), j) }); err == nil {
			err = fn(j, p)
		}
		j++
		return err == nil
	})
	return err
}

// decodePart reads one element of a content array.
func decodePart(raw gjson.Result, where func() string) (contentPart, error) {
	if !raw.IsObject() {
		return contentPart{}, requestErr(where(), "want a content part object")
	}
	switch typ := raw.Get("type").Str; typ {
	case "text":
		t := raw.Get("text")
		if t.Type != gjson.String {
			return contentPart{}, requestErr(where()+".text", "want a string")
		}
		return contentPart{kind: textPart, text: t}, nil
	case "refusal":
		// An assistant turn the model refused: its text is still what was said.
		t := raw.Get("refusal")
		if t.Type != gjson.String {
			return contentPart{}, requestErr(where()+".refusal", "want a string")
		}
		return contentPart{kind: textPart, text: t}, nil
	case "image_url":
		u := raw.Get("image_url")
		if u.IsObject() {
			u = u.Get("url")
		}
		if u.Type != gjson.String {
			return contentPart{}, requestErr(where()+".image_url.url", "want a string")
		}
		return mediaPart(imagePart, u.Str, where()+".image_url.url")
	case "file":
		f := raw.Get("file")
		if d := f.Get("file_data"); d.Type == gjson.String {
			if !strings.HasPrefix(d.Str, "data:") {
				// The OpenAI API also takes bare base64 here, with the type implied by the
				// filename; only PDF is accepted as a file, so that is the type.
				return contentPart{kind: filePart, mime: "application/pdf", data: d.Str}, nil
			}
			return mediaPart(filePart, d.Str, where()+".file.file_data")
		}
		if f.Get("file_id").Exists() {
			return contentPart{}, requestErr(where()+".file.file_id", "files uploaded to OpenAI cannot be sent to another provider; send file_data")
		}
		return contentPart{}, requestErr(where()+".file.file_data", "want a data: URL")
	case "input_audio":
		a := raw.Get("input_audio")
		data, format := a.Get("data"), a.Get("format")
		if data.Type != gjson.String || format.Type != gjson.String {
			return contentPart{}, requestErr(where()+".input_audio", "want data and format strings")
		}
		return contentPart{kind: audioPart, mime: "audio/" + format.Str, data: data.Str}, nil
	case "":
		return contentPart{}, requestErr(where()+".type", "missing")
	default:
		return contentPart{}, requestErr(where()+".type", "unsupported content part type "+quote(typ))
	}
}

// mediaPart reads an image or file reference: a base64 data: URL or an http(s) URL.
func mediaPart(kind partKind, url, where string) (contentPart, error) {
	if strings.HasPrefix(url, "data:") {
		mime, data, ok := parseDataURL(url)
		if !ok {
			return contentPart{}, requestErr(where, "want a base64 data: URL (data:<type>;base64,<data>)")
		}
		return contentPart{kind: kind, mime: mime, data: data}, nil
	}
	if strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://") {
		return contentPart{kind: kind, url: url, mime: guessMIME(url, kind)}, nil
	}
	return contentPart{}, requestErr(where, "want an http(s) URL or a data: URL")
}

// parseDataURL splits "data:<type>;base64,<data>". Only base64 data URLs are accepted: every
// provider wants base64.
func parseDataURL(url string) (mime, data string, ok bool) {
	rest := url[len("data:"):]
	comma := strings.IndexByte(rest, ',')
	if comma < 0 {
		return "", "", false
	}
	meta, data := rest[:comma], rest[comma+1:]
	mime, base64 := strings.CutSuffix(meta, ";base64")
	if !base64 || mime == "" || strings.ContainsAny(mime, ";,") {
		return "", "", false
	}
	return mime, data, true
}

// guessMIME names the media type of a URL by its extension, for Gemini's fileData which
// requires one. Unknown extensions are guessed from what the part is: an image part as JPEG,
// a file as PDF.
func guessMIME(url string, kind partKind) string {
	path := url
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	ext := ""
	if dot := strings.LastIndexByte(path, '.'); dot >= 0 && !strings.ContainsRune(path[dot:], '/') {
		ext = strings.ToLower(path[dot+1:])
	}
	switch ext {
	case "png":
		return "image/png"
	case "jpg", "jpeg":
		return "image/jpeg"
	case "gif":
		return "image/gif"
	case "webp":
		return "image/webp"
	case "heic":
		return "image/heic"
	case "heif":
		return "image/heif"
	case "pdf":
		return "application/pdf"
	}
	if kind == filePart {
		return "application/pdf"
	}
	return "image/jpeg"
}

// quote is s as a JSON string, for error messages.
func quote(s string) string { return string(appendJSONString(nil, s)) }

// textOnly checks that a part is text, for places that take nothing else.
func textOnly(p contentPart, where func() string, what string) error {
	if p.kind != textPart {
		return requestErr(where(), what+" can only hold text")
	}
	return nil
}
