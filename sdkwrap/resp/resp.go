// Package resp encodes Redis commands and reads Redis replies in RESP2, the protocol Higress's
// proxy_redis_call speaks: plugins encode their commands with it, and the wazero host and the
// e2e test bed talk to a real redis-server with it.
package resp

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// Encode writes a command as a RESP array of bulk strings: what Redis reads.
func Encode(args ...string) []byte {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"+a+"\r\n"...)
	}
	return b
}

// Read appends exactly one RESP2 reply, raw (nested arrays included), to out.
func Read(r *bufio.Reader, out *[]byte) error {
	line, err := r.ReadBytes('\n')
	if err != nil {
		return err
	}
	*out = append(*out, line...)
	if len(line) < 3 {
		return fmt.Errorf("malformed RESP line %q", line)
	}
	body := string(line[1 : len(line)-2])
	switch line[0] {
	case '+', '-', ':':
		return nil
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return err
		}
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		*out = append(*out, buf...)
		return nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := Read(r, out); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unsupported RESP type %q", line[0])
}
