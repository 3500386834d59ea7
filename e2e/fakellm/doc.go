// Package fakellm is a fake LLM provider for end-to-end tests: one HTTP server that
// speaks the wire formats of OpenAI, Azure OpenAI, Anthropic and Gemini, answers
// deterministically, misbehaves on request, and records every request it gets.
//
// Use it in-process with Start (a real listener on 127.0.0.1, for Envoy to reach), as a
// plain http.Handler with New, or as a process with the command e2e/cmd/fakellm.
//
// # Endpoints
//
//	OpenAI     POST /v1/chat/completions           stream and not; stream_options.include_usage
//	           POST /v1/completions                prompt: string or array of strings (one choice each)
//	           POST /v1/embeddings                 input: string or array of strings; dimensions; encoding_format
//	           GET  /v1/models, /v1/models/{id}    Config.Models (DefaultModels)
//	           POST /v1/images/generations         prompt, n (1-10), size, response_format url|b64_json
//	           POST /v1/audio/transcriptions       multipart/form-data: file, model, response_format
//	           POST /v1/audio/translations           json|text|verbose_json
//	Azure      POST /openai/deployments/{deployment}/{operation}?api-version=...   operation: chat/completions,
//	           completions, embeddings, images/generations, audio/transcriptions, audio/translations
//	Anthropic  POST /v1/messages                   stream and not
//	Gemini     POST /v1beta/models/{model}:generateContent
//	           POST /v1beta/models/{model}:streamGenerateContent   SSE with ?alt=sse, a streamed JSON array without
//	           POST /v1beta/models/{model}:embedContent
//	           (the same under /v1/models/)
//
// Streams are server-sent events (Content-Type: text/event-stream), flushed after every
// event, shaped as the real API's: OpenAI sends a role chunk, one chunk per token, a
// chunk with finish_reason, with include_usage a chunk with "choices":[] and the usage
// (every other chunk then says "usage":null), and "data: [DONE]". Anthropic sends
// message_start (usage: input tokens and 1 output token), content_block_start, ping, one
// content_block_delta (text_delta) per token, content_block_stop, message_delta
// (stop_reason and the output tokens) and message_stop. Gemini sends one chunk per
// token, each with usageMetadata counting the candidate tokens so far; the last carries
// finishReason. Azure answers OpenAI's bodies with the deployment as "model"; the other
// APIs echo the requested model.
//
// An unknown path answers 404 and a known path with the wrong method 405, a malformed
// body or missing required field 400, each in the error shape of the API the path (or,
// for an unknown path, its prefix or credential header) belongs to. A panic answers 500.
//
// # Answers
//
// The answer is a pure function of the request. The reply is Reply(prompt):
// "Echo: " followed by the words of the last user message (its text parts joined by
// spaces), whitespace collapsed to single spaces; an empty prompt gives "Echo:".
// System prompts (OpenAI system and developer messages wherever they stand, Anthropic's
// system string or blocks, Gemini's systemInstruction) count as prompt tokens but are
// never the last user message, nor the last message that decides a tool call.
//
// Tokens are whitespace-separated words (CountTokens). Prompt tokens are the words of
// every message's text, the system prompt and tool results; completion tokens are the
// words of the reply. A stream sends one token per event (SplitTokens: every token
// after the first with its leading space, so the deltas concatenate to the reply), and
// its usage equals the non-stream answer's. max_tokens / max_completion_tokens (OpenAI,
// Azure), max_tokens (Anthropic, required) and generationConfig.maxOutputTokens (Gemini)
// cut the reply to that many tokens, with finish reason "length", stop_reason
// "max_tokens" or finishReason "MAX_TOKENS" (Answer). Ids (chatcmpl-, cmpl-, msg_,
// responseId) are a hash of the request body.
//
// Embeddings are Embed(text, dims): a hashed bag of words, unit-normalised, 64
// dimensions unless the request says otherwise, so texts that share words have a higher
// cosine similarity than unrelated texts. Their prompt tokens are the input's words.
//
// # Tools
//
// When a chat request declares tools and its last message is the user's, the answer
// calls the first declared tool, or the one the tool choice names (OpenAI tool_choice
// {"type":"function"} or allowed_tools, Anthropic {"type":"tool"}, Gemini
// allowedFunctionNames with mode ANY), with ToolArguments(prompt): {"query":"<the last
// user message's text, exactly>"}. OpenAI answers tool_calls (id call_fake_<n>,
// arguments as a JSON string, content null, finish_reason "tool_calls"); Anthropic a
// tool_use block (id toolu_fake_<n>, input object, stop_reason "tool_use"); Gemini a
// functionCall part (name, args; finishReason STOP, as Gemini says). <n> is 1 + the tool
// calls earlier in the conversation. tool_choice "none", {"type":"none"} or mode NONE
// answer text as usual.
//
// A call's tokens are its argument fragments: the `{"query":` key, then the rest cut
// before each run of whitespace, so there are always at least two and they concatenate
// to the arguments. OpenAI streams a delta with the role and the call's index, id, type,
// name and empty arguments, then one delta per fragment with only the index and the
// fragment; Anthropic a content_block_start with the tool_use and an empty input, then
// one input_json_delta per fragment; Gemini the whole functionCall in one chunk. Max
// tokens do not cut a call.
//
// When the last message holds tool results (OpenAI role "tool" messages, Anthropic
// tool_result blocks, Gemini functionResponse parts), the answer is text,
// ToolResultReply: "Tool said: " and the results' text (several joined by spaces;
// Gemini's response objects as compact JSON), whitespace collapsed. Tool definitions
// and earlier calls' arguments are not prompt tokens. As the real APIs do, a tool
// message or tool_result that answers no call of the assistant message just before it,
// and a call left without its answer, are refused with 400 in the API's words.
//
// # JSON mode and stop sequences
//
// JSON mode (OpenAI response_format json_object or json_schema, Gemini
// generationConfig.responseMimeType "application/json") replaces Reply with
// JSONReply(prompt): {"echo":"<prompt, whitespace collapsed>"}, counted, cut and
// streamed like any reply. The answer to tool results stays ToolResultReply.
//
// Stop sequences (OpenAI stop, Anthropic stop_sequences, Gemini
// generationConfig.stopSequences) cut a text answer before the earliest one it contains,
// trailing whitespace dropped. The finish reason stays "stop" (OpenAI) and STOP
// (Gemini); Anthropic says stop_reason "stop_sequence" with stop_sequence set to the
// sequence. Max tokens apply after the cut and win the finish reason when they cut
// shorter.
//
// # Images and audio
//
// An image request gets n entries in data[] (default 1), each a URL
// https://fake.invalid/images/<hash>.png or, with response_format b64_json, a 1x1 PNG in
// base64; the hash and the pixel's colour come from model, size, prompt and the entry's
// index. There is no usage block.
//
// Audio requests are read as real multipart forms (file required, and model outside
// Azure) and answered AudioReply: {"text":"Transcribed <size> bytes of <filename>"},
// "Translated ..." for translations. response_format text sends the string alone as
// text/plain; verbose_json adds task, language "english", duration 0 and no segments.
//
// # Credentials
//
// Config holds the key each API expects ("" accepts anything): OpenAI in
// "Authorization: Bearer", Azure in "api-key" (or Bearer), Anthropic in "x-api-key",
// Gemini in "x-goog-api-key" or the "key" query parameter. A missing or wrong key is
// refused as the real API does: OpenAI 401 invalid_api_key, Azure 401 {"code":"401"},
// Anthropic 401 authentication_error, Gemini 403 PERMISSION_DENIED for a missing key and
// 400 INVALID_ARGUMENT with reason API_KEY_INVALID for a wrong one (Google does not
// answer 401 for API keys). Error bodies and logs never repeat the received key.
// Anthropic also requires the anthropic-version header and Azure the api-version query
// parameter (400; the real Azure answers 404 "Resource not found").
//
// # Faults
//
// A Fault makes the fake misbehave: per instance (Config.Fault, Handler.SetFault, the
// command's flags, PUT /_fake/fault) and per request with these headers, which override
// the instance fault field by field:
//
//	x-fake-status: 429|500|503|529|...   answer that status in the API's error shape
//	                                     (429: OpenAI rate_limit_exceeded, Anthropic
//	                                     rate_limit_error, Gemini RESOURCE_EXHAUSTED;
//	                                     529: Anthropic overloaded_error); 0 turns it off
//	x-fake-retry-after: N                Retry-After seconds (429 gets 1 by default)
//	x-fake-first-token-delay-ms: N       wait before sending anything
//	x-fake-token-delay-ms: N             wait between stream events
//	x-fake-cut-after: N                  drop the connection after N token events (after the
//	                                     last token if the reply is shorter); non-stream:
//	                                     drop it halfway through the promised body
//	x-fake-stall: 1                      stream: send headers and the first token, then hang;
//	                                     non-stream: send nothing; until the client leaves
//	x-fake-malformed: 1                  stream: the first token event's JSON is cut in half;
//	                                     non-stream: a 200 whose JSON body is truncated
//	x-fake-no-usage: 1                   leave every usage block out
//
// A request is checked in this order: path, method, credential, fault headers (a bad
// value answers 400), first-token delay, injected status, then the body. Every wait ends
// when the client leaves or the server closes; the handler then drops the connection.
//
// # Recording
//
// Every request outside /_fake/ is recorded with its method, path, query, headers
// (credentials included, so tests can check what the gateway sent), body (multipart
// bodies as received), API, endpoint and time: Handler.Requests, Last, Reset and WaitForRequests read the record, and a
// process exposes it as GET /_fake/requests (DELETE clears it). Config.KeepRequests bounds
// it to the newest requests for load runs. GET and PUT /_fake/fault
// read and set the instance fault as JSON: {"status":429,"retry_after":1,
// "first_token_delay_ms":0,"token_delay_ms":0,"cut_after":0,"stall":false,
// "malformed":false,"no_usage":false}.
package fakellm
