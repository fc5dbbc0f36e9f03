module example.com/nestedloopquadratic

go 1.22
