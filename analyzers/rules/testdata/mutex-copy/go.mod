module example.com/mutexcopy

go 1.22

// vetflags: -copylocks=false
