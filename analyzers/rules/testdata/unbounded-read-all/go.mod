module example.com/unboundedreadall

go 1.22
