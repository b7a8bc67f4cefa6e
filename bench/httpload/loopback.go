package httpload

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// ParseBase parses the base URL of a server (e.g. "http://127.0.0.1:3000")
// and refuses anything but plain http to a literal loopback IP address
// (127.0.0.0/8 or ::1): the generator must never load a remote host.
func ParseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("httpload: %w", err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("httpload: %q: only http:// is supported", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("httpload: %q: want only scheme, host, port and path", raw)
	}
	if !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("httpload: %q: host %q is not a loopback address (use 127.0.0.1)", raw, u.Hostname())
	}
	if u.Port() == "" {
		return nil, fmt.Errorf("httpload: %q: no port", raw)
	}
	return u, nil
}

// isLoopback reports whether host is a literal loopback IP address.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOnly is a net.Dialer Control hook that refuses to connect
// anywhere but a loopback address, whatever the URL said (defence in depth).
func loopbackOnly(_ context.Context, _, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if !isLoopback(host) {
		return fmt.Errorf("httpload: refusing to dial non-loopback %s", address)
	}
	return nil
}
