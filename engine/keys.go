package engine

import (
	"github.com/relstore/relstore/internal/keyenc"
)

// The key layout of a store. Every key starts with a one-byte tag:
//
//	0x01 "catalog"                        → catalog (JSON)
//	0x02 <modelID>                        → id counter (JSON number)
//	0x10 <modelID> <pk…>                  → record (msgpack map)
//	0x11 <modelID> <indexID> <v…> <pk…>   → ""    (non-unique index entry)
//	0x11 <modelID> <indexID> <v…>         → <pk…> (unique entry, no null vi)
//
// Ids are order-preserving uvarints; values and primary keys use keyenc.
const (
	tagCatalog byte = 0x01
	tagCounter byte = 0x02
	tagRecord  byte = 0x10
	tagIndex   byte = 0x11
)

var catalogKey = []byte{tagCatalog, 'c', 'a', 't', 'a', 'l', 'o', 'g'}

func counterKey(modelID uint64) []byte {
	return keyenc.AppendUvarint([]byte{tagCounter}, modelID)
}

// recordPrefix is the prefix of every record key of a model.
func recordPrefix(modelID uint64) []byte {
	return keyenc.AppendUvarint([]byte{tagRecord}, modelID)
}

func recordKey(prefix, pk []byte) []byte {
	k := make([]byte, 0, len(prefix)+len(pk))
	k = append(k, prefix...)
	return append(k, pk...)
}

// indexPrefix is the prefix of every entry of one index.
func indexPrefix(modelID, indexID uint64) []byte {
	b := keyenc.AppendUvarint([]byte{tagIndex}, modelID)
	return keyenc.AppendUvarint(b, indexID)
}

// modelIndexPrefix is the prefix of every index entry of a model.
func modelIndexPrefix(modelID uint64) []byte {
	return keyenc.AppendUvarint([]byte{tagIndex}, modelID)
}
