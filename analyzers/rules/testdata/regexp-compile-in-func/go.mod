module example.com/regexpcompileinfunc

go 1.22
