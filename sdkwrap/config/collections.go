package config

// Strings reads a list of strings. An element of another type is a problem at its own
// path ("keys[2]: want a string, got number"). Options: Required, NonEmpty (the list),
// OneOf (each element). On any problem the default is returned whole; a list that is
// present, even empty, comes back non-nil.
func (r *Reader) Strings(key string, def []string, opts ...Option) []string {
	v, path := r.field(key)
	c := r.collect(path, forStrings, opts)
	if !r.present(v, path, &c) {
		return def
	}
	if v.kind != kindArray {
		r.fail(path, wantGot("a list of strings", v))
		return def
	}
	if c.nonEmpty && len(v.items) == 0 {
		r.fail(path, "must not be empty")
		return def
	}
	out := make([]string, len(v.items))
	ok := true
	for i := range v.items {
		item := &v.items[i]
		reason := ""
		if item.kind != kindString {
			reason = wantGot("a string", item)
		} else {
			reason = c.oneOfReason(item.text)
		}
		if reason != "" {
			r.fail(JoinIndex(path, i), reason)
			ok = false
			continue
		}
		out[i] = item.text
	}
	if !ok {
		return def
	}
	return out
}

// StringMap reads an object whose values are all strings (header names to values, model
// names to model names). Its keys are data, never reported as unknown. Options: Required,
// NonEmpty. On any problem the default is returned whole.
func (r *Reader) StringMap(key string, def map[string]string, opts ...Option) map[string]string {
	v, path := r.field(key)
	c := r.collect(path, forMap, opts)
	if !r.present(v, path, &c) {
		return def
	}
	if v.kind != kindObject {
		r.fail(path, wantGot("an object of strings", v))
		return def
	}
	if c.nonEmpty && len(v.members) == 0 {
		r.fail(path, "must not be empty")
		return def
	}
	out := make(map[string]string, len(v.members))
	ok := true
	for i := range v.members {
		m := &v.members[i]
		if m.val.kind != kindString {
			r.fail(JoinKey(path, m.key), wantGot("a string", &m.val))
			ok = false
			continue
		}
		out[m.key] = m.val.text
	}
	if !ok {
		return def
	}
	return out
}

// Object calls fn with a reader for the nested object at key, if it is present; it
// reports whether fn was called. Options: Required.
func (r *Reader) Object(key string, fn func(o *Reader), opts ...Option) bool {
	v, path := r.field(key)
	c := r.collect(path, forObject, opts)
	if !r.present(v, path, &c) {
		return false
	}
	if v.kind != kindObject {
		r.fail(path, wantGot("an object", v))
		return false
	}
	fn(newReader(r.doc, path, v.members))
	return true
}

// Array calls fn for each element of the list of objects at key, in order, with the
// element's index and a reader for it; an element that is not an object is a problem at
// its path and skipped. It reports whether the list is present. Options: Required,
// NonEmpty.
func (r *Reader) Array(key string, fn func(i int, e *Reader), opts ...Option) bool {
	v, path := r.field(key)
	c := r.collect(path, forList, opts)
	if !r.present(v, path, &c) {
		return false
	}
	if v.kind != kindArray {
		r.fail(path, wantGot("a list of objects", v))
		return false
	}
	if c.nonEmpty && len(v.items) == 0 {
		r.fail(path, "must not be empty")
		return false
	}
	for i := range v.items {
		item := &v.items[i]
		itemPath := JoinIndex(path, i)
		if item.kind != kindObject {
			r.fail(itemPath, wantGot("an object", item))
			continue
		}
		fn(i, newReader(r.doc, itemPath, item.members))
	}
	return true
}

// Map calls fn for each member of the object at key whose values are objects keyed by a
// name of the operator's choosing (providers by name, say), in document order; a value
// that is not an object is a problem at its path and skipped. It reports whether the
// object is present. Options: Required, NonEmpty.
func (r *Reader) Map(key string, fn func(name string, e *Reader), opts ...Option) bool {
	v, path := r.field(key)
	c := r.collect(path, forMap, opts)
	if !r.present(v, path, &c) {
		return false
	}
	if v.kind != kindObject {
		r.fail(path, wantGot("an object", v))
		return false
	}
	if c.nonEmpty && len(v.members) == 0 {
		r.fail(path, "must not be empty")
		return false
	}
	for i := range v.members {
		m := &v.members[i]
		memberPath := JoinKey(path, m.key)
		if m.val.kind != kindObject {
			r.fail(memberPath, wantGot("an object", &m.val))
			continue
		}
		fn(m.key, newReader(r.doc, memberPath, m.val.members))
	}
	return true
}
