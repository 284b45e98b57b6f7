module routerd

go 1.19
