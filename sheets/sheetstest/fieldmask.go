package sheetstest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// mask is a parsed field mask: the "fields" URL parameter of every method,
// and the "fields" of update requests. A node with all set selects
// everything below it.
type mask struct {
	all  bool
	kids map[string]*mask
}

// parseMask reads Google's field-mask syntax: comma lists, dotted or
// slashed paths, parentheses for several subfields of one field, "*", and
// names in camelCase or snake_case:
//
//	sheets(properties,data.rowData.values(effectiveValue,effectiveFormat.numberFormat)),developerMetadata
//
// An empty string is no mask (nil).
func parseMask(s string) (*mask, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	p := maskParser{s: s}
	root := &mask{}
	if err := p.list(root); err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, p.errorf()
	}
	return root, nil
}

type maskParser struct {
	s string
	i int
}

func (p *maskParser) errorf() error {
	return invalid("Invalid field selection %s", p.s)
}

func (p *maskParser) peek() byte {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// list reads "field, field, ..." into m, up to a ")" or the end.
func (p *maskParser) list(m *mask) error {
	for {
		var path []string
		for {
			name := p.name()
			if name == "" {
				return p.errorf()
			}
			path = append(path, name)
			if c := p.peek(); c == '.' || c == '/' {
				p.i++
				continue
			}
			break
		}
		node := m.walk(path)
		if p.peek() == '(' {
			p.i++
			sub := &mask{}
			if err := p.list(sub); err != nil {
				return err
			}
			if p.peek() != ')' {
				return p.errorf()
			}
			p.i++
			node.merge(sub)
		} else {
			node.selectAll()
		}
		if p.peek() != ',' {
			return nil
		}
		p.i++
	}
}

// name reads one field name and returns it in camelCase.
func (p *maskParser) name() string {
	p.peek()
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if !(isLetter(c) || '0' <= c && c <= '9' || c == '_' || c == '*') {
			break
		}
		p.i++
	}
	return camel(p.s[start:p.i])
}

// camel turns snake_case into camelCase; Google accepts both.
func camel(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	var b strings.Builder
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			up = true
		case up && 'a' <= c && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
			up = false
		default:
			b.WriteByte(c)
			up = false
		}
	}
	return b.String()
}

// walk returns the node at path, creating it.
func (m *mask) walk(path []string) *mask {
	n := m
	for _, name := range path {
		if n.all {
			return n
		}
		if name == "*" {
			n.selectAll()
			return n
		}
		if n.kids == nil {
			n.kids = map[string]*mask{}
		}
		k := n.kids[name]
		if k == nil {
			k = &mask{}
			n.kids[name] = k
		}
		n = k
	}
	return n
}

func (m *mask) selectAll() { m.all, m.kids = true, nil }

func (m *mask) merge(o *mask) {
	if m.all {
		return
	}
	if o.all {
		m.selectAll()
		return
	}
	for name, ok := range o.kids {
		m.walk([]string{name}).merge(ok)
	}
}

// sub returns the mask for a field below m, or nil if m leaves it out.
func (m *mask) sub(name string) *mask {
	if m == nil || m.all {
		return m
	}
	return m.kids[name]
}

// selects reports whether m keeps anything at path.
func (m *mask) selects(path ...string) bool {
	n := m
	for _, name := range path {
		if n = n.sub(name); n == nil {
			return false
		}
	}
	return true
}

// validate checks every name in m against the JSON fields of t, as Google
// refuses a mask that names a field the resource does not have.
func (m *mask) validate(t reflect.Type) error {
	return m.check(t, "")
}

func (m *mask) check(t reflect.Type, path string) error {
	if m == nil || m.all {
		return nil
	}
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() == reflect.Map || t.Kind() == reflect.Interface {
		return nil // free-form JSON: nothing to check against
	}
	for name, sub := range m.kids {
		full := name
		if path != "" {
			full = path + "." + name
		}
		if t.Kind() != reflect.Struct {
			return invalid("Invalid field selection %s", full)
		}
		f, ok := jsonField(t, name)
		if !ok {
			return invalid("Invalid field selection %s", full)
		}
		if err := sub.check(f.Type, full); err != nil {
			return err
		}
	}
	return nil
}

// jsonField finds the struct field whose JSON name is name.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// prune keeps the parts of a decoded JSON value that m selects. Objects
// left empty are dropped, except as array elements, where their position
// means something (an empty cell in a row).
func (m *mask) prune(v any) any {
	if m == nil || m.all {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(m.kids))
		for name, sub := range m.kids {
			val, ok := x[name]
			if !ok {
				continue
			}
			val = sub.prune(val)
			if o, isObj := val.(map[string]any); isObj && len(o) == 0 {
				continue
			}
			out[name] = val
		}
		return out
	case []any:
		for i := range x {
			x[i] = m.prune(x[i])
		}
		return x
	}
	return v
}

// filterJSON applies a read mask to an encoded response.
func filterJSON(data []byte, m *mask) ([]byte, error) {
	if m == nil || m.all {
		return data, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(m.prune(v))
}

// toMap encodes v and decodes it as a generic JSON object.
func toMap(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	m := map[string]any{}
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// fromMap decodes a generic JSON object into a new T.
func fromMap[T any](m map[string]any) (*T, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// overlay copies into dst the fields of src that m selects. A selected
// field absent from src is cleared, as Google documents for update masks.
func overlay(dst, src map[string]any, m *mask) {
	for name, sub := range m.kids {
		sv, ok := src[name]
		if sub.all {
			if ok {
				dst[name] = sv
			} else {
				delete(dst, name)
			}
			continue
		}
		dm, _ := dst[name].(map[string]any)
		sm, _ := sv.(map[string]any)
		if dm == nil {
			dm = map[string]any{}
		}
		if sm == nil {
			sm = map[string]any{}
		}
		overlay(dm, sm, sub)
		if len(dm) == 0 {
			delete(dst, name)
		} else {
			dst[name] = dm
		}
	}
}

// maskedUpdate returns a copy of old with the fields of upd that m
// selects, the way update requests with a "fields" mask behave.
func maskedUpdate[T any](old, upd *T, m *mask) (*T, error) {
	if m == nil {
		return nil, invalid("'fields' must be specified")
	}
	if err := m.validate(reflect.TypeFor[T]()); err != nil {
		return nil, err
	}
	src, err := toMap(upd)
	if err != nil {
		return nil, err
	}
	if m.all {
		return fromMap[T](src)
	}
	dst, err := toMap(old)
	if err != nil {
		return nil, err
	}
	overlay(dst, src, m)
	return fromMap[T](dst)
}

// clone deep-copies one of the API's types.
func clone[T any](v *T) *T {
	if v == nil {
		return nil
	}
	return copyValue(reflect.ValueOf(v)).Interface().(*T)
}

// copyValue deep-copies pointers, slices, maps, structs and interfaces.
// It is much faster than a trip through JSON, whose MarshalJSON methods in
// the generated types re-scan every nested object.
func copyValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(copyValue(v.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(copyValue(v.Index(i)))
		}
		return s
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			m.SetMapIndex(it.Key(), copyValue(it.Value()))
		}
		return m
	case reflect.Struct:
		s := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if f := s.Field(i); f.CanSet() {
				f.Set(copyValue(v.Field(i)))
			}
		}
		return s
	case reflect.Interface:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		i := reflect.New(v.Type()).Elem()
		i.Set(copyValue(v.Elem()))
		return i
	}
	return v
}
