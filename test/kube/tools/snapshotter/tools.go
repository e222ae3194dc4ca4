//go:build tools

// Keeps the snapshotter module in go.mod.

package tools

import _ "github.com/kubernetes-csi/external-snapshotter/client/v8/apis/volumesnapshot/v1"
