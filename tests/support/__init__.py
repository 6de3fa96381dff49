"""What the tests share: loopback servers, D-Bus services, child processes, fixtures' helpers."""
