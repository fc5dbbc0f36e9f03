module example.com/httpbodynotclosed

go 1.22
