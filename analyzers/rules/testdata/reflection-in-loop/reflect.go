package reflectioninloop

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
)

type Event struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"`
}

type header struct {
	Magic   uint32
	Version uint16
	Flags   uint16
}

func writeEvents(w io.Writer, events []Event) error {
	for _, ev := range events {
		data, err := json.Marshal(ev) // want "json.Marshal reflects over the value"
		if err != nil {
			return err
		}
		if _, err := w.Write(append(data, '\n')); err != nil {
			return err
		}
	}
	return nil
}

func parseLines(lines [][]byte) ([]Event, error) {
	out := make([]Event, 0, len(lines))
	for _, line := range lines {
		var ev Event
		if err := json.Unmarshal(line, &ev); err != nil { // want "json.Unmarshal reflects over the target"
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

func streamTo(w io.Writer, events <-chan Event) error {
	for ev := range events {
		if err := json.NewEncoder(w).Encode(ev); err != nil { // want "json.NewEncoder per iteration"
			return err
		}
	}
	return nil
}

func changed(old, cur []Event) int {
	n := 0
	for i := range cur {
		if i < len(old) && !reflect.DeepEqual(old[i], cur[i]) { // want "reflect.DeepEqual per iteration"
			n++
		}
	}
	return n
}

func kinds(values []any) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, reflect.TypeOf(v).String())
	}
	return out
}

func sameTypeAs(proto any, values []any) int {
	n := 0
	for _, v := range values {
		if reflect.TypeOf(proto) == reflect.TypeOf(v) { // want "reflect.TypeOf per iteration"
			n++
		}
	}
	return n
}

func readHeaders(r io.Reader, n int) ([]header, error) {
	hs := make([]header, n)
	for i := range hs {
		if err := binary.Read(r, binary.LittleEndian, &hs[i]); err != nil { // want "binary.Read per iteration"
			return nil, err
		}
	}
	return hs, nil
}

func writeIDs(buf *bytes.Buffer, ids []uint32) {
	for _, id := range ids {
		binary.Write(buf, binary.BigEndian, id) // want "binary.Write per iteration"
	}
}

// Near-miss: one encoder for the whole stream, the fix.
func writeEventsFixed(w io.Writer, events []Event) error {
	enc := json.NewEncoder(w)
	for _, ev := range events {
		if err := enc.Encode(ev); err != nil {
			return err
		}
	}
	return nil
}

// Near-miss: one decoder over the stream.
func readAll(r io.Reader) ([]Event, error) {
	dec := json.NewDecoder(r)
	var out []Event
	for dec.More() {
		var ev Event
		if err := dec.Decode(&ev); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// Near-miss: a new decoder per response body is required.
func fetchAll(client *http.Client, urls []string) ([]Event, error) {
	var out []Event
	for _, u := range urls {
		resp, err := client.Get(u)
		if err != nil {
			return nil, err
		}
		var ev Event
		err = json.NewDecoder(resp.Body).Decode(&ev)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// Near-miss: fixed-layout decoding without reflection.
func decodeHeaders(data []byte) []header {
	var hs []header
	for len(data) >= 8 {
		hs = append(hs, header{
			Magic:   binary.LittleEndian.Uint32(data),
			Version: binary.LittleEndian.Uint16(data[4:]),
			Flags:   binary.LittleEndian.Uint16(data[6:]),
		})
		data = data[8:]
	}
	return hs
}

// Near-miss: encoding into a reused byte slice.
func appendIDs(dst []byte, ids []uint32) []byte {
	for _, id := range ids {
		dst = binary.BigEndian.AppendUint32(dst, id)
	}
	return dst
}

// Near-miss: json in cold code, outside loops.
func loadConfig(data []byte) (map[string]any, error) {
	var cfg map[string]any
	err := json.Unmarshal(data, &cfg)
	return cfg, err
}

// Near-miss: a reflection walker, whose job is reflection.
func fieldNames(v reflect.Value) []string {
	var names []string
	for i := 0; i < v.NumField(); i++ {
		names = append(names, reflect.TypeOf(v.Interface()).Field(i).Name)
	}
	return names
}

// Near-miss: calling a function known only at run time needs each argument as a reflect.Value.
func callDynamic(fn any, args ...any) []reflect.Value {
	argVals := make([]reflect.Value, len(args))
	for i, arg := range args {
		argVals[i] = reflect.ValueOf(arg)
	}
	return reflect.ValueOf(fn).Call(argVals)
}

// Each Event is copied into an interface (boxed, an allocation) to be reflected over.
func FieldCounts(events []Event) int {
	n := 0
	for _, ev := range events {
		n += reflect.ValueOf(ev).NumField() // want "reflect.ValueOf per iteration"
	}
	return n
}

// Near-miss: the elements are interfaces already; nothing is boxed and each is another value.
func Kinds(values []any) []reflect.Kind {
	out := make([]reflect.Kind, 0, len(values))
	for _, v := range values {
		out = append(out, reflect.ValueOf(v).Kind())
	}
	return out
}

type Config struct{ HTTP, TCP *Event }

// Near-miss: pointers to merge, one per source; ValueOf of a pointer boxes nothing.
func Merge(dst *Config, sources []Config) {
	for _, c := range sources {
		if c.TCP != nil {
			copyFields(reflect.ValueOf(dst.TCP).Elem(), reflect.ValueOf(c.TCP).Elem())
		}
	}
}

func copyFields(dst, src reflect.Value) {
	for i := 0; i < src.NumField(); i++ {
		dst.Field(i).Set(src.Field(i))
	}
}

type exportFile struct {
	name string
	data []byte
}

// Near-miss: the loop dispatches each kind of file to its own case, and each case marshals a
// different document once (minio's IAM export): there is no stream for one encoder to serve.
func exportAll(kinds []string, users map[string]string, groups map[string][]string) ([]exportFile, error) {
	var out []exportFile
	for _, kind := range kinds {
		switch kind {
		case "users.json":
			b, err := json.Marshal(users)
			if err != nil {
				return nil, err
			}
			out = append(out, exportFile{kind, b})
		case "groups.json":
			b, err := json.Marshal(groups)
			if err != nil {
				return nil, err
			}
			out = append(out, exportFile{kind, b})
		}
	}
	return out, nil
}

type event struct {
	Kind string
	Body map[string]string
}

// A switch on a field of each item: many items take the same case, one Marshal each.
func encodeEvents(events []event) ([][]byte, error) {
	var out [][]byte
	for _, ev := range events {
		switch ev.Kind {
		case "put":
			b, err := json.Marshal(ev.Body) // want "json.Marshal reflects"
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
	}
	return out, nil
}
