module example.com/bytesstringconversion

go 1.22
