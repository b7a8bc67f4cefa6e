package main

import (
	"io"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	c, err := parseConfig(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.scale != 1 || c.seed != 42 || c.reps != 5 || c.budget != 0 || c.rounds != 3 || c.round != 0 {
		t.Errorf("defaults %+v", c)
	}
	if len(c.systems) != len(allSystems) {
		t.Errorf("default systems %v", c.systems)
	}
	if c.roundNumber(1) != 2 {
		t.Errorf("roundNumber(1) = %d", c.roundNumber(1))
	}
}

func TestConfigEnvAndFlagPrecedence(t *testing.T) {
	e := env(map[string]string{"SCALE": "0.1", "SEED": "7", "REPS": "2", "OP_BUDGET_S": "1.5"})
	c, err := parseConfig([]string{"-seed", "9", "-system", "sqlite-mem, sqlite-wal"}, e, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.scale != 0.1 || c.seed != 9 || c.reps != 2 || c.budget != 1500*time.Millisecond {
		t.Errorf("got %+v", c)
	}
	if len(c.systems) != 2 || c.systems[1] != "sqlite-wal" {
		t.Errorf("systems %q", c.systems)
	}
	c, err = parseConfig([]string{"-scale", "0.5"}, e, io.Discard)
	if err != nil || c.scale != 0.5 {
		t.Errorf("flag should beat SCALE: %+v %v", c, err)
	}
}

func TestConfigRoundEnv(t *testing.T) {
	c, err := parseConfig([]string{"-rounds", "3"}, env(map[string]string{"ROUND": "2"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.rounds != 1 || c.roundNumber(0) != 2 {
		t.Errorf("ROUND=2: rounds %d, number %d", c.rounds, c.roundNumber(0))
	}
}

func TestConfigRejects(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"-scale", "0"}, nil},
		{nil, map[string]string{"SCALE": "abc"}},
		{nil, map[string]string{"ROUND": "0"}},
		{[]string{"-reps", "0"}, nil},
		{[]string{"-seed", "4294967296"}, nil},
		{[]string{"-system", " , "}, nil},
		{[]string{"extra"}, nil},
	} {
		if _, err := parseConfig(tc.args, env(tc.env), io.Discard); err == nil {
			t.Errorf("%v %v accepted", tc.args, tc.env)
		}
	}
}
