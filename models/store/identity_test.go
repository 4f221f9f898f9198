package store_test

import (
	"context"
	"sync"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// TestRecoveryCodeWorksExactlyOnceUnderRace: ten parallel sign-ins with the same recovery
// code spend it once; the other nine are refused, and the other codes still work.
func TestRecoveryCodeWorksExactlyOnceUnderRace(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u, err := st.UserByUsername(ctx, "district1")
	if err != nil {
		t.Fatal(err)
	}
	a := store.Actor{User: u, Now: t0}
	secret, _ := models.NewTOTPSecret(nil)
	if err := st.SetPendingTOTP(ctx, a, secret); err != nil {
		t.Fatal(err)
	}
	codes, _ := models.NewRecoveryCodes(nil)
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i], _ = models.HashRecoveryCode(c, nil)
	}
	if err := st.EnableTOTP(ctx, a, "another secret", hashes); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("enabling with a secret that is not the pending one: %v; want a conflict", err)
	}
	if err := st.EnableTOTP(ctx, a, secret, hashes); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			used, _, err := st.UseRecoveryCode(ctx, a, u.ID, codes[0])
			if err != nil {
				t.Error(err)
			}
			if used {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("the code was accepted %d times; want once", ok)
	}
	if used, left, _ := st.UseRecoveryCode(ctx, a, u.ID, codes[1]); !used || left != 8 {
		t.Fatalf("another code: used %v, %d left; want true, 8", used, left)
	}
	if n, _ := st.RecoveryCodesLeft(ctx, u.ID); n != 8 {
		t.Fatalf("%d codes left; want 8", n)
	}
}

// TestSecondFactorFailuresLockLikePasswords: wrong codes after a right password count in
// the same throttle, and the fifth locks; a right password does not clear the count.
func TestSecondFactorFailuresLockLikePasswords(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	a := store.Actor{IP: "10.0.0.5", Now: t0, Name: "city1"}
	for i := 1; i <= models.MaxLoginFailures; i++ {
		if err := st.RecordFirstFactor(ctx, a, "city1"); err != nil {
			t.Fatalf("password %d: %v", i, err)
		}
		err := st.RecordSecondFactor(ctx, a, "city1", false)
		want := models.EUnauthorized
		if i == models.MaxLoginFailures {
			want = models.ELocked
		}
		if models.ErrorCode(err) != want {
			t.Fatalf("wrong code %d: %v; want %s", i, err, want)
		}
		if n, _ := st.LoginFailures(ctx, "city1", t0); n != i {
			t.Fatalf("after %d wrong codes %d failures counted", i, n)
		}
	}
	if err := st.RecordFirstFactor(ctx, a, "city1"); models.ErrorCode(err) != models.ELocked {
		t.Fatalf("the right password while locked: %v; want locked", err)
	}
}
