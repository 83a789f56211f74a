using static KubeDns.Records.Tests.Validation.ValidationAssert;

namespace KubeDns.Records.Tests.State;

/// <summary>Argument checks of <see cref="ClusterChangeBatch"/> and <see cref="ClusterState.Apply"/> (specification.md §2, batches).</summary>
public class ClusterChangeBatchTests
{
    [Fact]
    public void Upsert_NullDescriptorOfEveryKind_ThrowsArgumentNullException()
    {
        var batch = new ClusterChangeBatch();

        Assert.Equal("descriptor", Assert.Throws<ArgumentNullException>(() => batch.Upsert((NamespaceDescriptor)null!)).ParamName);
        Assert.Equal("descriptor", Assert.Throws<ArgumentNullException>(() => batch.Upsert((KubernetesServiceDescriptor)null!)).ParamName);
        Assert.Equal("descriptor", Assert.Throws<ArgumentNullException>(() => batch.Upsert((EndpointSliceDescriptor)null!)).ParamName);
        Assert.Equal("descriptor", Assert.Throws<ArgumentNullException>(() => batch.Upsert((PodDescriptor)null!)).ParamName);
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Delete_EmptyName_ThrowsArgumentException()
    {
        var batch = new ClusterChangeBatch();

        Assert.ThrowsAny<ArgumentException>(() => batch.Delete(ObjectKey.ForService("kiada", "")));
        Assert.ThrowsAny<ArgumentException>(() => batch.Delete(ObjectKey.ForService("kiada", null!)));
        Assert.ThrowsAny<ArgumentException>(() => batch.Delete(ObjectKey.ForPod(null!, "quote-001")));
        Assert.ThrowsAny<ArgumentException>(() => batch.Delete(default));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Apply_DeleteOfMissingObject_SucceedsAndChangesNoData()
    {
        var state = ExampleCluster.Create();
        var before = state.Current;

        var batch = new ClusterChangeBatch()
            .Delete(ObjectKey.ForService("kiada", "no-such-service"))
            .Delete(ObjectKey.ForService("ghost", "svc"))
            .Delete(ObjectKey.ForEndpointSlice("kiada", "no-such-slice"))
            .Delete(ObjectKey.ForPod("kiada", "no-such-pod"))
            .Delete(ObjectKey.ForNamespace("no-such-namespace"));
        var after = state.Apply(batch);

        Assert.Same(after, state.Current);
        Assert.Equal(before.ServiceCount, after.ServiceCount);
        Assert.Equal(before.EndpointSliceCount, after.EndpointSliceCount);
        Assert.Equal(before.PodCount, after.PodCount);
        Assert.Equal(before.NamespaceCount, after.NamespaceCount);
        AssertQuoteUnchanged(state);
        Assert.Equal(ResponseCode.NameError, state.Resolve("ghost.svc.cluster.local", RecordType.A).ResponseCode);
        Assert.Equal(ResponseCode.NameError, state.Resolve("no-such-namespace.svc.cluster.local", RecordType.A).ResponseCode);
    }

    [Fact]
    public void Apply_DeleteOfMissingObjectOnEmptyState_Succeeds()
    {
        var state = new ClusterState();

        var snapshot = state.Apply(new ClusterChangeBatch().Delete(ObjectKey.ForService("kiada", "quote")));

        Assert.Equal(0, snapshot.ServiceCount);
    }

    [Fact]
    public void Apply_EmptyBatch_ReturnsCurrentSnapshot()
    {
        var state = ExampleCluster.Create();
        var before = state.Current;

        var snapshot = state.Apply(new ClusterChangeBatch());

        Assert.Same(before, snapshot);
        Assert.Same(before, state.Current);
    }

    [Fact]
    public void Apply_NullBatch_ThrowsArgumentNullException()
    {
        var state = ExampleCluster.Create();

        Assert.Equal("batch", Assert.Throws<ArgumentNullException>(() => state.Apply(null!)).ParamName);
    }

    [Fact]
    public void Upsert_Null_ThrowsArgumentNullException()
    {
        var state = ExampleCluster.Create();
        var before = state.Current;

        Assert.Equal("descriptor", Assert.Throws<ArgumentNullException>(() => state.Upsert(null!)).ParamName);

        Assert.Same(before, state.Current);
    }

    [Fact]
    public void IClusterObject_OutsideTheLibrary_CannotBeImplemented()
    {
        // Upsert takes IClusterObject, so a foreign type must be a compile error: the interface has a member no
        // other assembly can implement, and only the four descriptors implement it.
        var hidden = typeof(IClusterObject).GetMethods(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);
        var implementers = typeof(IClusterObject).Assembly.GetTypes().Where(t => t.IsAssignableTo(typeof(IClusterObject)) && !t.IsInterface);

        Assert.Contains(hidden, m => m.IsAbstract && m.IsAssembly);
        Assert.Equal(
            ["EndpointSliceDescriptor", "KubernetesServiceDescriptor", "NamespaceDescriptor", "PodDescriptor"],
            implementers.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Apply_SameBatchTwice_IsAllowed()
    {
        var state = ExampleCluster.Create();
        var batch = new ClusterChangeBatch().Upsert(ExampleCluster.Service("kiada", "fresh", "10.96.44.44", ExampleCluster.Port("http", 80)));

        var first = state.Apply(batch);
        var second = state.Apply(batch);

        Assert.True(second.Serial > first.Serial);
        Assert.Equal("fresh.kiada.svc.cluster.local. 5 IN A 10.96.44.44\n", state.Resolve("fresh.kiada.svc.cluster.local", RecordType.A).Answer.ToString());
    }
}
