//go:build tools

// Keeps the kruise-game module in go.mod.

package tools

import _ "github.com/openkruise/kruise-game/apis/v1alpha1"
