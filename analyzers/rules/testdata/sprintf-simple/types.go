package sprintfsimple

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
)

type Record struct {
	Shard   uint32
	Retries int32
	Active  bool
	Digest  []byte
}

func shardLabel(r *Record) string {
	return fmt.Sprintf("%d", r.Shard) // want "use strconv.FormatUint\(uint64\(r.Shard\), 10\)"
}

func retryLabel(retries int32) string {
	return fmt.Sprint(retries) // want "use strconv.FormatInt\(int64\(retries\), 10\)"
}

func activeFlag(active bool) string {
	return fmt.Sprintf("%t", active) // want "use strconv.FormatBool\(active\)"
}

func checksum(r *Record) string {
	digest := r.Digest
	return fmt.Sprintf("%x", digest) // want "use hex.EncodeToString\(digest\)"
}

func traceID(id uint64) string {
	return fmt.Sprintf("%x", id) // want "use strconv.FormatUint\(id, 16\)"
}

// Near misses: formats strconv and hex do not produce, or already the cheap form.

func upperDigest(digest []byte) string {
	return fmt.Sprintf("%X", digest)
}

func spacedDigest(digest []byte) string {
	return fmt.Sprintf("% x", digest)
}

func signedHex(delta int64) string {
	return fmt.Sprintf("%x", delta)
}

func arrayDigest(data []byte) string {
	return fmt.Sprintf("%x", sha256.Sum256(data))
}

func quotedFlag(active bool) string {
	return fmt.Sprintf("%q", strconv.FormatBool(active))
}

func alreadyHex(digest []byte) string {
	return hex.EncodeToString(digest)
}

func errText(err error) string {
	return fmt.Sprintf("%v", err)
}

func paddedShard(shard uint32) string {
	return fmt.Sprintf("%04d", shard)
}
