package fakellm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// fakeAudio is not audio, which the fake never listens to anyway.
var fakeAudio = bytes.Repeat([]byte{0, 1, 2, 0xff}, 300)

// audioFile is a fresh upload of fakeAudio named hello.wav.
func audioFile() io.Reader { return openai.File(bytes.NewReader(fakeAudio), "hello.wav", "audio/wav") }

func TestAudioWithSDK(t *testing.T) {
	srv := startFake(t, Config{OpenAIKey: "sk"})
	client := newOpenAIClient(srv.URL()+"/v1", "sk")
	ctx := context.Background()
	want := "Transcribed 1200 bytes of hello.wav"
	if AudioReply(false, 1200, "hello.wav") != want {
		t.Fatalf("AudioReply = %q", AudioReply(false, 1200, "hello.wav"))
	}

	for _, tc := range []struct {
		name   string
		format openai.AudioResponseFormat
	}{
		{"default", ""},
		{"json", openai.AudioResponseFormatJSON},
		{"verbose_json", openai.AudioResponseFormatVerboseJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := client.Audio.Transcriptions.New(ctx, openai.AudioTranscriptionNewParams{
				File: audioFile(), Model: openai.AudioModelWhisper1, ResponseFormat: tc.format,
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != want {
				t.Errorf("text %q, want %q", res.Text, want)
			}
			if tc.format == openai.AudioResponseFormatVerboseJSON {
				if v := res.AsTranscriptionVerbose(); v.Language != "english" || v.Text != want || !v.JSON.Duration.Valid() {
					t.Errorf("verbose %s", res.RawJSON())
				}
			}
		})
	}

	t.Run("text", func(t *testing.T) {
		var text string
		var resp *http.Response
		_, err := client.Audio.Transcriptions.New(ctx, openai.AudioTranscriptionNewParams{
			File: audioFile(), Model: openai.AudioModelWhisper1, ResponseFormat: openai.AudioResponseFormatText,
		}, option.WithResponseBodyInto(&text), option.WithResponseInto(&resp))
		if err != nil {
			t.Fatal(err)
		}
		if text != want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("text %q, type %q", text, resp.Header.Get("Content-Type"))
		}
	})

	t.Run("translation", func(t *testing.T) {
		res, err := client.Audio.Translations.New(ctx, openai.AudioTranslationNewParams{
			File: audioFile(), Model: openai.AudioModelWhisper1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Text != "Translated 1200 bytes of hello.wav" || res.Text != AudioReply(true, 1200, "hello.wav") {
			t.Errorf("translation %q", res.Text)
		}
	})

	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	if last.Endpoint != "audio/translations" || !strings.HasPrefix(last.Header.Get("Content-Type"), "multipart/form-data; boundary=") || !bytes.Contains(last.Body, fakeAudio) {
		t.Errorf("recorded %s %s %q, body of %d bytes", last.Endpoint, last.Path, last.Header.Get("Content-Type"), len(last.Body))
	}
}

func TestAzureAudioWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newAzureClient(srv, "my-whisper", "k")
	// Azure takes the model from the deployment; the body's may be left out.
	res, err := client.Audio.Transcriptions.New(context.Background(), openai.AudioTranscriptionNewParams{
		File: audioFile(),
	})
	if err != nil || res.Text != "Transcribed 1200 bytes of hello.wav" {
		t.Fatalf("%+v, %v", res, err)
	}
	last, _ := srv.Last()
	if last.API != APIAzure || last.Path != "/openai/deployments/my-whisper/audio/transcriptions" {
		t.Errorf("recorded %s %s", last.API, last.Path)
	}
}

// multipartBody builds a form by hand, for the bodies the SDK would refuse to send.
func multipartBody(t *testing.T, fields map[string]string, withFile bool) (body, contentType string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if withFile {
		f, err := w.CreateFormFile("file", "a.mp3")
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("abc"))
	}
	w.Close()
	return b.String(), w.FormDataContentType()
}

func TestAudioErrors(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL() + "/v1/audio/transcriptions"
	noFile, noFileType := multipartBody(t, map[string]string{"model": "whisper-1"}, false)
	noModel, noModelType := multipartBody(t, nil, true)
	badFormat, badFormatType := multipartBody(t, map[string]string{"model": "whisper-1", "response_format": "mp3"}, true)
	for _, tc := range []struct {
		name, body, contentType string
		param                   any
	}{
		{"missing file", noFile, noFileType, "file"},
		{"missing model", noModel, noModelType, "model"},
		{"bad response_format", badFormat, badFormatType, "response_format"},
		{"JSON body", `{"model":"whisper-1"}`, "application/json", nil},
		{"no boundary", noFile, "multipart/form-data", nil},
		{"broken multipart", "--xyz\r\nnot a part", "multipart/form-data; boundary=xyz", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, http.MethodPost, url, tc.body, "Content-Type: "+tc.contentType)
			if res.status != 400 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			v := res.json(t)
			if field(v, "error", "type") != "invalid_request_error" || field(v, "error", "message") == "" || field(v, "error", "param") != tc.param {
				t.Errorf("body %s, want param %v", res.body, tc.param)
			}
		})
	}

	// The SDK sees the missing file as an OpenAI error too.
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	_, err := client.Audio.Transcriptions.New(context.Background(), openai.AudioTranscriptionNewParams{Model: openai.AudioModelWhisper1})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Param != "file" {
		t.Errorf("SDK error %v", err)
	}
}
