package fakellm

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
)

// audioTask is what an audio endpoint does, for its answer's wording.
type audioTask struct {
	verb string // starts the answer: "Transcribed" or "Translated"
	task string // verbose_json's "task"
}

var (
	transcribeTask = audioTask{verb: "Transcribed", task: "transcribe"}
	translateTask  = audioTask{verb: "Translated", task: "translate"}
)

// serveTranscriptions answers POST /v1/audio/transcriptions and Azure's.
func serveTranscriptions(c *call) { serveAudio(c, transcribeTask) }

// serveTranslations answers POST /v1/audio/translations and Azure's.
func serveTranslations(c *call) { serveAudio(c, translateTask) }

// AudioReply is the text of the answer to an audio request: "Transcribed <size> bytes of
// <filename>" ("Translated ..." for translations, so a mis-routed request shows).
func AudioReply(translate bool, size int64, filename string) string {
	task := transcribeTask
	if translate {
		task = translateTask
	}
	return task.reply(size, filename)
}

func (t audioTask) reply(size int64, filename string) string {
	return fmt.Sprintf("%s %d bytes of %s", t.verb, size, filename)
}

// serveAudio reads a multipart/form-data body (file, model, response_format) as the
// real API gets it, and describes the file instead of hearing it.
func serveAudio(c *call, task audioTask) {
	mediaType, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		c.fail(apiError{status: 400, message: fmt.Sprintf("Invalid Content-Type header (%s), expected multipart/form-data.", c.r.Header.Get("Content-Type"))})
		return
	}
	// The whole body is already in memory (and bounded), so the form may be too.
	form, err := multipart.NewReader(bytes.NewReader(c.body), params["boundary"]).ReadForm(maxBodyBytes)
	if err != nil {
		c.fail(apiError{status: 400, message: "Could not parse multipart form: " + err.Error()})
		return
	}
	defer form.RemoveAll()
	files := form.File["file"]
	if len(files) == 0 {
		c.fail(apiError{status: 400, message: "Missing required parameter: 'file'.", param: "file"})
		return
	}
	if c.api != APIAzure && formValue(form, "model") == "" {
		c.fail(apiError{status: 400, message: "you must provide a model parameter", param: "model"})
		return
	}
	file := files[0]
	text := task.reply(file.Size, file.Filename)
	switch format := formValue(form, "response_format"); format {
	case "", "json":
		c.sendJSON(struct {
			Text string `json:"text"`
		}{text})
	case "text":
		c.sendBody("text/plain; charset=utf-8", []byte(text))
	case "verbose_json":
		c.sendJSON(struct {
			Task     string  `json:"task"`
			Language string  `json:"language"`
			Duration float64 `json:"duration"`
			Text     string  `json:"text"`
			Segments []any   `json:"segments"`
		}{task.task, "english", 0, text, []any{}})
	default:
		c.fail(apiError{status: 400, param: "response_format",
			message: fmt.Sprintf("Invalid value: '%s'. Supported values are: 'json', 'text' and 'verbose_json'.", format)})
	}
}

// formValue is the first value of a form field, or "".
func formValue(form *multipart.Form, name string) string {
	if v := form.Value[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
