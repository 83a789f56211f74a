using KubeDns.Records.Indexing;

namespace KubeDns.Records.Tests.Indexing;

public class NameTrieTests
{
    [Fact]
    public void Find_AfterManySets_FindsEveryKeyCaseInsensitively()
    {
        var builder = NameTrie<string>.Empty.ToBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            builder.Set($"svc-{i}.ns-{i % 37}.svc", $"v{i}");
        }

        var trie = builder.ToImmutable();

        Assert.Equal(20_000, trie.Count);
        for (var i = 0; i < 20_000; i++)
        {
            Assert.Equal($"v{i}", trie.Find($"SVC-{i}.Ns-{i % 37}.svc"));
        }

        Assert.Null(trie.Find("svc-20000.ns-0.svc"));
        Assert.Null(trie.Find("svc-1.ns-1.svc.extra"));
    }

    [Fact]
    public void SetAndRemove_OnPublishedTrie_LeaveThePublishedTrieUnchanged()
    {
        var builder = NameTrie<string>.Empty.ToBuilder();
        for (var i = 0; i < 1000; i++)
        {
            builder.Set($"k{i}", "old");
        }

        var published = builder.ToImmutable();
        var next = published.ToBuilder();
        for (var i = 0; i < 1000; i += 2)
        {
            next.Set($"k{i}", "new");
            next.Remove($"k{i + 1}");
        }

        var changed = next.ToImmutable();

        Assert.Equal(1000, published.Count);
        Assert.Equal(500, changed.Count);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal("old", published.Find($"k{i}"));
            Assert.Equal(i % 2 == 0 ? "new" : null, changed.Find($"k{i}"));
        }
    }

    [Fact]
    public void Remove_EveryKey_LeavesAnEmptyTrieThatStillWorks()
    {
        var builder = NameTrie<string>.Empty.ToBuilder();
        var keys = Enumerable.Range(0, 5000).Select(i => $"name-{i}").ToArray();
        foreach (var key in keys)
        {
            builder.Set(key, key);
        }

        foreach (var key in keys)
        {
            Assert.True(builder.Remove(key));
            Assert.False(builder.Remove(key));
        }

        var trie = builder.ToImmutable();
        Assert.Equal(0, trie.Count);
        Assert.Null(trie.Find("name-1"));

        var again = trie.ToBuilder();
        again.Set("name-1", "back");
        Assert.Equal("back", again.ToImmutable().Find("NAME-1"));
    }

    [Fact]
    public void Set_ExistingKeyInOtherCase_ReplacesTheValue()
    {
        var builder = NameTrie<string>.Empty.ToBuilder();
        builder.Set("quote.kiada.svc", "a");
        builder.Set("QUOTE.kiada.svc", "b");

        var trie = builder.ToImmutable();

        Assert.Equal(1, trie.Count);
        Assert.Equal("b", trie.Find("quote.kiada.svc"));
    }
}
