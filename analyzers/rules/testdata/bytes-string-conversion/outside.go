package bytesstringconversion

import (
	"bytes"
	"strings"
)

// The sliced operand's type comes from a method of the standard library: bytes.Buffer.Bytes.
func encrypted(buf *bytes.Buffer) bool {
	head := buf.Bytes()
	return strings.HasPrefix(string(head[:16]), "ENCRYPTED") // want "bytes.HasPrefix\(head\[:16\], \[\]byte\(\"ENCRYPTED\"\)\)"
}

// Near miss: strings.Builder.String is already a string.
func builderPrefix(sb *strings.Builder) bool {
	return strings.HasPrefix(sb.String(), "ENCRYPTED")
}
