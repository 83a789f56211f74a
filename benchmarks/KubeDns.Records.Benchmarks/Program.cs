using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(KubeDns.Records.Benchmarks.GeneratedCluster).Assembly).Run(args);
