using KubeDns.Records.Wire;

namespace KubeDns.Records.Tests.Wire;

/// <summary>
/// The writer's name limits (RFC 1035 §2.3.4): a name holds 255 octets and a label 63. Whatever text a caller hands
/// it, the writer never puts a name on the wire that a resolver would have to reject; it reports "did not fit".
/// </summary>
public class DnsMessageWriterTests
{
    /// <summary>Four 62-octet labels and one of <paramref name="last"/> octets, as text with the trailing dot.</summary>
    private static string Name(int last) =>
        string.Join('.', new string('a', 62), new string('b', 62), new string('c', 62), new string('d', 62), new string('e', last)) + ".";

    [Fact]
    public void TryWriteName_255Octets_IsWrittenWhole()
    {
        var text = Name(1); // 4 × 63 + 2 + 1 (root) = 255 octets
        var buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer, buffer.Length);

        Assert.True(writer.TryWriteName(text, compress: false));
        Assert.Equal(255, writer.Position);
        Assert.Equal(0, buffer[254]);
    }

    [Fact]
    public void TryWriteName_256Octets_IsRefusedAndNothingIsWritten()
    {
        var text = Name(2);
        var buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer, buffer.Length);

        Assert.False(writer.TryWriteName(text, compress: false));
        Assert.Equal(0, writer.Position);
    }

    [Fact]
    public void TryWriteName_64OctetLabel_IsRefused()
    {
        var buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer, buffer.Length);

        Assert.False(writer.TryWriteName(new string('x', 64) + ".example.", compress: false));
    }
}
