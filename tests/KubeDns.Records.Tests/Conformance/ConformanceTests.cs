using System.Globalization;

namespace KubeDns.Records.Tests.Conformance;

/// <summary>Runs every <see cref="ConformanceCases"/> row and compares the whole answer, section by section.</summary>
public class ConformanceTests
{
    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (var c in ConformanceCases.All)
        {
            data.Add(c.Id);
        }

        return data;
    }

    [Fact]
    public void Cases_HaveUniqueIds()
    {
        var duplicates = ConformanceCases.All.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Resolve_Case_GivesExactAnswer(string id)
    {
        var c = ConformanceCases.All.Single(x => x.Id == id);
        var snapshot = ConformanceClusters.Get(c.Setup).Current;
        var name = c.Name;
        var typeText = c.Type;
        var type = typeText.StartsWith("TYPE", StringComparison.Ordinal)
            ? (RecordType)ushort.Parse(typeText.AsSpan(4), CultureInfo.InvariantCulture)
            : Enum.Parse<RecordType>(typeText);

        var actual = snapshot.Resolve(name, type).ToString();

        Assert.Equal(c.ExpectedText(snapshot.Serial), actual);
    }
}
