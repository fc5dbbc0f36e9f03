module example.com/writestringconversion

go 1.22
