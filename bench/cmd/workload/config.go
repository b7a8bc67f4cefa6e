package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/relstore/relstore/bench/workload"
)

// Environment variables read by the runner; a flag given on the command
// line beats its variable.
const (
	envScale  = "SCALE"
	envSeed   = "SEED"
	envReps   = "REPS"
	envBudget = "OP_BUDGET_S"
	envRound  = "ROUND"
	// envPort and envLifetime configure -serve: the port on 127.0.0.1
	// (unset or 0 picks one) and the lifetime in seconds (default 600).
	envPort     = "PORT"
	envLifetime = "MAX_LIFETIME_S"
)

// Defaults of the spec and the issue.
const (
	defaultScale  = 1.0
	defaultReps   = 5
	defaultRounds = 3
)

// allSystems is the default -system list, in the order rounds visit them
// (relstore and its SQLite counterpart alternate).
var allSystems = []string{
	workload.SysRelstoreMemory, workload.SysSQLiteMem,
	workload.SysRelstorePebble, workload.SysSQLiteWAL,
	workload.SysRelstorePebbleNoSync, workload.SysSQLiteWALFull,
}

// config is the resolved command line.
type config struct {
	systems []string
	scale   float64
	seed    uint32
	reps    int
	budget  time.Duration
	rounds  int
	// round, when positive, is the single round's number (ROUND was set).
	round    int
	markdown string // -markdown: write a RESULTS.md-style report there
	command  string // the command line, for the report
	// cpuprofile is the file a CPU profile goes to ("" for none).
	cpuprofile string
	// systemsDefaulted is set when -system was not given.
	systemsDefaulted bool
	// serve is -serve: HTTP mode's server side (see http.go).
	serve bool
	// load is -load: the base URL HTTP mode's load generator targets.
	load string
	// port and lifetime are -serve's PORT and MAX_LIFETIME_S.
	port     int
	lifetime time.Duration
	// ops is -ops: the ops to run (nil = all); W1 always runs.
	ops map[workload.Op]bool
}

// allOps is the default -ops list, in run order.
var allOps = []workload.Op{workload.W1, workload.Q1, workload.Q2, workload.Q3, workload.Q4,
	workload.Q5, workload.Q6, workload.Q7, workload.Q8}

// parseOps parses a comma list of op names (case-insensitive); "" or "all"
// means every op (nil). W1 is added when missing: the other ops need its
// data.
func parseOps(list string) (map[workload.Op]bool, error) {
	list = strings.TrimSpace(list)
	if list == "" || strings.EqualFold(list, "all") {
		return nil, nil
	}
	ops := map[workload.Op]bool{workload.W1: true}
	for _, name := range strings.Split(list, ",") {
		name = strings.ToUpper(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		op := workload.Op(name)
		if !slices.Contains(allOps, op) {
			return nil, fmt.Errorf("unknown op %q in -ops (known: W1, Q1…Q8)", name)
		}
		ops[op] = true
	}
	return ops, nil
}

// parseConfig resolves args and the environment (getenv) into a config.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("workload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	system := fs.String("system", strings.Join(allSystems, ","), "comma list of systems: "+strings.Join(allSystems, ", "))
	scale := fs.Float64("scale", defaultScale, "data scale (env "+envScale+")")
	seed := fs.Uint64("seed", uint64(workload.DefaultSeed), "generator seed (env "+envSeed+")")
	reps := fs.Int("reps", defaultReps, "timed calls of Q3–Q6 (env "+envReps+")")
	budget := fs.Float64("budget", 0, "per-op time budget in seconds, 0 = none (env "+envBudget+")")
	rounds := fs.Int("rounds", defaultRounds, "rounds, systems interleaved in each (env "+envRound+" runs one round with that number)")
	markdown := fs.String("markdown", "", "also write a markdown report (bench/RESULTS.md) to this file")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	serve := fs.Bool("serve", false, "HTTP mode: load one relstore system and serve the REST API under /api on 127.0.0.1:$"+envPort+" for $"+envLifetime+" seconds")
	load := fs.String("load", "", "HTTP mode: run the HTTP load (Q1–Q4, concurrency 1 and 16) against this loopback base URL, e.g. http://127.0.0.1:3000")
	opsList := fs.String("ops", "all", "comma list of ops to run (W1 always runs), e.g. W1,Q1,Q2,Q3")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fromEnv := func(flagName, env string, parse func(string) error) error {
		if set[flagName] {
			return nil
		}
		if v := getenv(env); v != "" {
			if err := parse(v); err != nil {
				return fmt.Errorf("%s=%q: %w", env, v, err)
			}
		}
		return nil
	}
	var err error
	errs := []error{
		fromEnv("scale", envScale, func(v string) error { *scale, err = strconv.ParseFloat(v, 64); return err }),
		fromEnv("seed", envSeed, func(v string) error { *seed, err = strconv.ParseUint(v, 10, 32); return err }),
		fromEnv("reps", envReps, func(v string) error { *reps, err = strconv.Atoi(v); return err }),
		fromEnv("budget", envBudget, func(v string) error { *budget, err = strconv.ParseFloat(v, 64); return err }),
	}
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	c := &config{
		scale:      *scale,
		seed:       uint32(*seed),
		reps:       *reps,
		budget:     time.Duration(*budget * float64(time.Second)),
		rounds:     *rounds,
		markdown:   *markdown,
		cpuprofile: *cpuprofile,

		systemsDefaulted: !set["system"],
		serve:            *serve,
		load:             *load,
	}
	if c.ops, err = parseOps(*opsList); err != nil {
		return nil, err
	}
	if err := c.parseHTTPEnv(getenv); err != nil {
		return nil, err
	}
	if v := getenv(envRound); v != "" {
		r, err := strconv.Atoi(v)
		if err != nil || r < 1 {
			return nil, fmt.Errorf("%s=%q: want a positive integer", envRound, v)
		}
		c.round, c.rounds = r, 1
	}
	switch {
	case *seed > 1<<32-1:
		return nil, fmt.Errorf("seed %d does not fit 32 bits", *seed)
	case c.scale <= 0:
		return nil, fmt.Errorf("scale must be positive, got %v", c.scale)
	case c.reps < 1:
		return nil, fmt.Errorf("reps must be at least 1, got %d", c.reps)
	case c.rounds < 1:
		return nil, fmt.Errorf("rounds must be at least 1, got %d", c.rounds)
	case *budget < 0:
		return nil, fmt.Errorf("budget must not be negative, got %v", *budget)
	}
	for _, name := range strings.Split(*system, ",") {
		if name = strings.TrimSpace(name); name != "" {
			c.systems = append(c.systems, name)
		}
	}
	if len(c.systems) == 0 {
		return nil, fmt.Errorf("no system given")
	}
	if err := c.checkHTTPMode(); err != nil {
		return nil, err
	}
	return c, nil
}

// roundNumber returns the number written into the round key of round i
// (0-based) of this run.
func (c *config) roundNumber(i int) int {
	if c.round > 0 {
		return c.round
	}
	return i + 1
}
