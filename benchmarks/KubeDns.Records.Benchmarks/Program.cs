return KubeDns.Records.Benchmarks.BenchmarkProgram.Run(args);
