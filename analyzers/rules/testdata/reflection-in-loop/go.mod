module example.com/reflectioninloop

go 1.22
