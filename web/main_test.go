package web_test

import (
	"os"
	"testing"

	"portal/models/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
