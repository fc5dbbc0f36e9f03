module example.com/runesliceconversion

go 1.22
