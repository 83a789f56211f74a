using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;
using KubeDns.Records.Benchmarks;

namespace KubeDns.Records.Benchmarks.Tests;

/// <summary>
/// CI's dry run of the benchmark suite: every [Benchmark] method, found by reflection, runs once the way
/// BenchmarkDotNet calls it ([Params] set, the matching [GlobalSetup] and [IterationSetup], the method, then the
/// cleanups) on a small cluster. It proves that each benchmark builds, sets up (each setup checks that its questions
/// resolve as the benchmark claims) and runs; it asserts nothing about time.
/// </summary>
public class BenchmarkDryRunTests
{
    /// <summary>Every [Params] named Services is set to this; any other [Params] to its smallest value.</summary>
    public const int SmallCluster = 200;

    private static readonly Assembly BenchmarkAssembly = typeof(GeneratedCluster).Assembly;

    public static TheoryData<string, string> BenchmarkMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in BenchmarkTypes())
        {
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                data.Add(type.Name, method.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BenchmarkMethods))]
    public async Task Benchmark_RunsOnceOnASmallCluster(string typeName, string methodName)
    {
        var type = BenchmarkTypes().Single(t => t.Name == typeName);
        var method = type.GetMethod(methodName)!;
        var instance = Activator.CreateInstance(type)!;
        SetParams(instance);

        Invoke<GlobalSetupAttribute>(instance, method);
        Invoke<IterationSetupAttribute>(instance, method);
        var result = method.Invoke(instance, Arguments(method));
        switch (result)
        {
            case Task task:
                await task;
                break;
            case ValueTask valueTask:
                await valueTask;
                break;
        }

        Invoke<IterationCleanupAttribute>(instance, method);
        Invoke<GlobalCleanupAttribute>(instance, method);
    }

    [Fact]
    public void BenchmarkTypes_AreTheSuiteOfIssue8()
    {
        var names = BenchmarkTypes().Select(t => t.Name).Order().ToArray();

        Assert.Equal(
            ["ClusterBuildBenchmark", "ClusterChangeBenchmark", "ProgrammingLatencyBenchmark", "RecordFeaturesBenchmark", "ResolveBenchmark", "WireBenchmark"],
            names);
    }

    [Fact]
    public void BenchmarkDotNet_FindsNoDeclarationErrors()
    {
        var config = ImmutableConfigBuilder.Create(DefaultConfig.Instance);
        foreach (var type in BenchmarkTypes())
        {
            var info = BenchmarkConverter.TypeToBenchmarks(type, config);
            var parameters = new ValidationParameters(info.BenchmarksCases, config);
            IValidator[] validators = [BaselineValidator.FailOnError, SetupCleanupValidator.FailOnError, ParamsValidator.FailOnError, DiagnosersValidator.Composite, RunModeValidator.FailOnError];
            var errors = validators.SelectMany(v => v.Validate(parameters)).Select(e => e.Message).ToArray();

            Assert.True(errors.Length == 0, $"{type.Name}: {string.Join(Environment.NewLine, errors)}");
            Assert.NotEmpty(info.BenchmarksCases);
        }
    }

    [Fact]
    public void Program_ListsEveryBenchmark()
    {
        var exitCode = BenchmarkProgram.Run(["--list", "flat"]);

        Assert.Equal(0, exitCode);
    }

    private static Type[] BenchmarkTypes() =>
        [.. BenchmarkAssembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))];

    private static void SetParams(object instance)
    {
        foreach (var property in instance.GetType().GetProperties())
        {
            if (property.GetCustomAttribute<ParamsAttribute>() is { } attribute)
            {
                property.SetValue(instance, property.Name == "Services" ? SmallCluster : Smallest(attribute.Values));
            }
        }

        foreach (var field in instance.GetType().GetFields())
        {
            if (field.GetCustomAttribute<ParamsAttribute>() is { } attribute)
            {
                field.SetValue(instance, field.Name == "Services" ? SmallCluster : Smallest(attribute.Values));
            }
        }
    }

    private static object? Smallest(object?[] values) => values.OrderBy(v => v).First();

    private static object?[]? Arguments(MethodInfo method) =>
        method.GetParameters().Length == 0 ? null : method.GetCustomAttributes<ArgumentsAttribute>().First().Values;

    /// <summary>Calls the setup or cleanup BenchmarkDotNet would: one that targets the method, else an untargeted one.</summary>
    private static void Invoke<TAttribute>(object instance, MethodInfo benchmark)
        where TAttribute : TargetedAttribute
    {
        var candidates = instance.GetType().GetMethods()
            .SelectMany(m => m.GetCustomAttributes<TAttribute>().Select(a => (Method: m, Targets: a.Targets ?? [])))
            .ToArray();
        var match = candidates.Where(c => c.Targets.Contains(benchmark.Name)).Concat(candidates.Where(c => c.Targets.Length == 0)).FirstOrDefault();
        match.Method?.Invoke(instance, null);
    }
}
