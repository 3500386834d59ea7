package llm

import "time"

// now gives the "created" second of OpenAI objects; tests replace it so goldens are stable.
var now = func() int64 { return time.Now().Unix() }
