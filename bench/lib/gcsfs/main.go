// Command gcsfs writes GCS objects straight into the on-disk format of
// fake-gcs-server's filesystem backend (`-backend filesystem
// -filesystem-root ROOT`, v1.56.1), so a bench can hold millions of objects
// without uploading them or preloading a `-data` folder (which took 408 s for
// 20,000 objects).
//
// The format, as internal/backend/fs.go and metadata_xattr.go of v1.56.1 read
// it: a bucket is the folder ROOT/<url.PathEscape(bucket)>; an object is the
// regular file <bucket folder>/<object name> (slashes in the name are folders);
// its attributes are the JSON of backend.ObjectAttrs in the extended attribute
// `user.metadata` of that file (the backend uses xattrs whenever ROOT supports
// them, and a `<file>.metadata` sidecar only when it does not: this tool
// refuses to run then). Size comes from the file itself.
//
// Input on stdin: records `name NUL contents NUL`. Usage:
//
//	gcsfs ROOT BUCKET < records
//
// Prints the number of objects written. Standard library only.
package main

import (
	"bufio"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const xattrKey = "user.metadata"

// attrs holds the fields of backend.ObjectAttrs this bench needs; the backend
// decodes the JSON into its own struct, so absent fields stay zero.
type attrs struct {
	StorageClass string
	ContentType  string
	Crc32c       string
	Md5Hash      string
	Etag         string
	Created      string
	Updated      string
	Generation   int64
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gcsfs: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: gcsfs ROOT BUCKET < records (name NUL contents NUL)")
	}
	root, bucket := os.Args[1], os.Args[2]
	bucketDir := filepath.Join(root, url.PathEscape(bucket))
	if err := os.MkdirAll(bucketDir, 0o700); err != nil {
		fail("create bucket folder %s: %v", bucketDir, err)
	}
	// The backend picks xattrs only if reading one on ROOT succeeds or says
	// "no such attribute"; check the same way so the files match its choice.
	if _, err := getxattr(root); err != nil && !errors.Is(err, syscall.ENODATA) {
		fail("%s does not support user extended attributes (%v): fake-gcs-server would expect .metadata sidecar files", root, err)
	}

	crcTable := crc32.MakeTable(crc32.Castagnoli)
	now := time.Now().UTC()
	stamp := now.Format("2006-01-02T15:04:05.999999Z07:00")
	// Distinct, increasing generations, as GCS gives every object one.
	generation := now.UnixMicro()
	made := map[string]bool{}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	count := 0
	for {
		name, err := in.ReadString(0)
		if errors.Is(err, io.EOF) && name == "" {
			break
		}
		if err != nil {
			fail("read object name after %d objects: %v", count, err)
		}
		contents, err := in.ReadString(0)
		if err != nil {
			fail("read contents of %q: %v", name, err)
		}
		name = strings.TrimSuffix(name, "\x00")
		data := []byte(strings.TrimSuffix(contents, "\x00"))
		if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
			fail("object name %q is not a relative object name", name)
		}
		path := filepath.Join(bucketDir, filepath.FromSlash(name))
		if dir := filepath.Dir(path); !made[dir] {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				fail("create folder for %q: %v", name, err)
			}
			made[dir] = true
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			fail("write %q: %v", name, err)
		}
		sum := md5.Sum(data)
		var crc [4]byte
		binary.BigEndian.PutUint32(crc[:], crc32.Checksum(data, crcTable))
		md5b64 := base64.StdEncoding.EncodeToString(sum[:])
		generation++
		encoded, err := json.Marshal(attrs{
			StorageClass: "STANDARD",
			ContentType:  "application/octet-stream",
			Crc32c:       base64.StdEncoding.EncodeToString(crc[:]),
			Md5Hash:      md5b64,
			Etag:         md5b64,
			Created:      stamp,
			Updated:      stamp,
			Generation:   generation,
		})
		if err != nil {
			fail("encode attributes of %q: %v", name, err)
		}
		if err := syscall.Setxattr(path, xattrKey, encoded, 0); err != nil {
			fail("set %s on %q: %v", xattrKey, name, err)
		}
		count++
	}
	fmt.Println(count)
}

func getxattr(path string) ([]byte, error) {
	buf := make([]byte, 4096)
	n, err := syscall.Getxattr(path, xattrKey, buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}
