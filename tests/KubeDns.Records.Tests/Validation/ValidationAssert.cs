
namespace KubeDns.Records.Tests.Validation;

/// <summary>
/// Shared checks for the validation tests: a rejected batch must change nothing (specification.md §2), and every error
/// must read as <c>Kind ns/name: field.path: 'value' explanation</c>.
/// </summary>
internal static class ValidationAssert
{
    public const string QuoteName = "quote.kiada.svc.cluster.local";

    public const string QuoteAnswer = "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97\n";

    /// <summary>The example cluster's <c>kiada/quote</c> service, as ExampleCluster builds it.</summary>
    public static KubernetesServiceDescriptor Quote => ExampleCluster.Service("kiada", "quote", "10.96.161.97", ExampleCluster.Port("http", 80));

    /// <summary>The example cluster's <c>kiada/quote-5xq7d</c> slice with one ready endpoint.</summary>
    public static EndpointSliceDescriptor QuoteSlice => ExampleCluster.Slice(
        "kiada", "quote-5xq7d", "quote", [ExampleCluster.SlicePort("http", 80)], ExampleCluster.Endpoint("10.244.2.10", "quote-001"));

    /// <summary>The example cluster's <c>kiada/quote-001</c> pod.</summary>
    public static PodDescriptor QuotePod => new() { Namespace = "kiada", Name = "quote-001", IPs = ["10.244.2.10"] };

    public static ClusterChangeBatch Batch(params object[] descriptors)
    {
        var batch = new ClusterChangeBatch();
        foreach (var descriptor in descriptors)
        {
            _ = descriptor switch
            {
                NamespaceDescriptor d => batch.Upsert(d),
                KubernetesServiceDescriptor d => batch.Upsert(d),
                EndpointSliceDescriptor d => batch.Upsert(d),
                PodDescriptor d => batch.Upsert(d),
                _ => throw new ArgumentException($"{descriptor.GetType().Name} is not a descriptor", nameof(descriptors)),
            };
        }

        return batch;
    }

    /// <summary>Applies the batch to a fresh, synced example cluster and asserts it is rejected without effect.</summary>
    public static IReadOnlyList<string> Rejects(ClusterChangeBatch batch) => Rejects(ExampleCluster.Create(), batch);

    /// <summary>Applies the descriptors as one batch to a fresh example cluster and asserts rejection without effect.</summary>
    public static IReadOnlyList<string> Rejects(params object[] descriptors) => Rejects(Batch(descriptors));

    /// <summary>
    /// Asserts the batch is rejected and nothing changed: the same snapshot instance and serial, no snapshot
    /// published, and <c>quote.kiada.svc.cluster.local A</c> still answers exactly as before.
    /// </summary>
    public static IReadOnlyList<string> Rejects(ClusterState state, ClusterChangeBatch batch)
    {
        var before = state.Current;
        var serial = before.Serial;
        var serviceCount = before.ServiceCount;
        var published = 0;
        void OnPublished(object? sender, ClusterSnapshot snapshot) => published++;

        state.SnapshotPublished += OnPublished;
        ClusterValidationException exception;
        try
        {
            exception = Assert.Throws<ClusterValidationException>(() => state.Apply(batch));
        }
        finally
        {
            state.SnapshotPublished -= OnPublished;
        }

        Assert.Same(before, state.Current);
        Assert.Equal(serial, state.Current.Serial);
        Assert.Equal(serviceCount, state.Current.ServiceCount);
        Assert.Equal(0, published);
        AssertQuoteUnchanged(state);

        Assert.NotEmpty(exception.Errors);
        if (exception.Errors.Count == 1)
        {
            Assert.Equal(exception.Errors[0], exception.Message);
        }
        else
        {
            Assert.StartsWith($"{exception.Errors.Count} errors; nothing was applied:", exception.Message);
            Assert.All(exception.Errors, error => Assert.Contains(error, exception.Message));
        }

        return exception.Errors;
    }

    /// <summary>Applies the descriptors to a fresh example cluster and asserts success with a new serial.</summary>
    public static ClusterState Accepts(params object[] descriptors) => Accepts(ExampleCluster.Create(), Batch(descriptors));

    public static ClusterState Accepts(ClusterState state, ClusterChangeBatch batch)
    {
        var before = state.Current;
        var snapshot = state.Apply(batch);
        Assert.Same(snapshot, state.Current);
        Assert.NotSame(before, snapshot);
        Assert.True(snapshot.Serial > before.Serial, $"serial {snapshot.Serial} should follow {before.Serial}");
        return state;
    }

    public static void AssertQuoteUnchanged(ClusterState state)
    {
        var resolution = state.Resolve(QuoteName, RecordType.A);
        Assert.Equal(ResponseCode.NoError, resolution.ResponseCode);
        Assert.Equal(ResolutionKind.Answer, resolution.Kind);
        Assert.Equal(1, resolution.Answer.Count);
        Assert.Equal(QuoteAnswer, resolution.Answer.ToString());
    }

    /// <summary>
    /// Asserts exactly one error, that it names the object and the field in the documented
    /// <c>Kind ns/name: field.path: </c> form, and that it quotes the bad value.
    /// </summary>
    public static string SingleError(IReadOnlyList<string> errors, string who, string field, string value)
    {
        var error = Assert.Single(errors);
        AssertError(error, who, field, value);
        return error;
    }

    public static void AssertError(string error, string who, string field, string value)
    {
        Assert.StartsWith($"{who}: {field}: ", error);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    /// <summary>Asserts some error names the object and field and quotes the value.</summary>
    public static void ContainsError(IReadOnlyList<string> errors, string who, string field, string value) =>
        Assert.Contains(errors, e => e.StartsWith($"{who}: {field}: ", StringComparison.Ordinal) && e.Contains(value, StringComparison.Ordinal));
}
