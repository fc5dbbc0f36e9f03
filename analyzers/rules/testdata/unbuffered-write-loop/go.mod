module example.com/unbufferedwriteloop

go 1.22
