package fakellm

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestToolArgumentsSplit(t *testing.T) {
	for _, prompt := range []string{
		"",
		"hi",
		"What is  the\ncapital of France?",
		"  leading and trailing  ",
		`quotes " and <tags> & back\slashes`,
		"naïve café\u00a0non-breaking",
	} {
		args := ToolArguments(prompt)
		var got struct{ Query string }
		if err := json.Unmarshal([]byte(args), &got); err != nil || got.Query != prompt {
			t.Errorf("ToolArguments(%q) = %s: query %q, %v", prompt, args, got.Query, err)
		}
		fragments := splitArguments(args)
		if len(fragments) < 2 {
			t.Errorf("%q: %d fragments %q, want at least 2", prompt, len(fragments), fragments)
		}
		if strings.Join(fragments, "") != args {
			t.Errorf("%q: fragments %q do not rebuild %s", prompt, fragments, args)
		}
		for i, f := range fragments {
			if f == "" {
				t.Errorf("%q: fragment %d is empty", prompt, i)
			}
		}
	}
}

func TestNewAnswerChoosesToolCallOrText(t *testing.T) {
	user := conversation{lastUser: "find  me", last: turnUser, toolCalls: 2}
	for _, tc := range []struct {
		name     string
		conv     conversation
		rules    replyRules
		wantTool bool
		text     string
	}{
		{"user spoke, tool declared", user, replyRules{tool: "lookup"}, true, ""},
		{"user spoke, no tool", user, replyRules{}, false, "Echo: find me"},
		{"assistant spoke last", conversation{lastUser: "find me", last: turnOther}, replyRules{tool: "lookup"}, false, "Echo: find me"},
		{"tool result", conversation{lastUser: "find me", last: turnToolResult, toolResults: []string{"one  two", "three"}}, replyRules{tool: "lookup", jsonMode: true}, false, "Tool said: one two three"},
		{"json mode", user, replyRules{jsonMode: true}, false, `{"echo":"find me"}`},
		{"max tokens do not cut a call", user, replyRules{tool: "lookup", maxTokens: 1}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAnswer(tc.conv, tc.rules)
			if (a.toolCall != nil) != tc.wantTool || a.text != tc.text {
				t.Fatalf("tool call %+v text %q, want tool %v text %q", a.toolCall, a.text, tc.wantTool, tc.text)
			}
			if !tc.wantTool {
				return
			}
			c := a.toolCall
			if c.name != "lookup" || c.openAIID() != "call_fake_3" || c.anthropicID() != "toolu_fake_3" || c.arguments != `{"query":"find  me"}` {
				t.Errorf("call %+v", c)
			}
			if a.completionTokens() != len(c.fragments) || strings.Join(a.tokens, "") != c.arguments {
				t.Errorf("tokens %q, fragments %q", a.tokens, c.fragments)
			}
		})
	}
}
