using KubeDns.Records.Wire;

namespace KubeDns.Records.Tests.Wire;

/// <summary>
/// The one reader of DNS names and records (RFC 1035 §3.1, §4.1.3, §4.1.4) on every edge case the library's older
/// walkers met: pointer loops and forward pointers, the unused label types 0x40 and 0x80, names over 255 octets,
/// names and records cut short. A failed read never moves the position.
/// </summary>
public class DnsMessageReaderTests
{
    /// <summary>A 12-byte header (counts as given) followed by <paramref name="body"/>.</summary>
    private static byte[] Message(byte[] body, int questions = 1, int answers = 0, int authority = 0, int additional = 0) =>
        [0x12, 0x34, 0, 0, 0, (byte)questions, 0, (byte)answers, 0, (byte)authority, 0, (byte)additional, .. body];

    private static readonly byte[] Example = [7, .. "example"u8.ToArray(), 3, .. "com"u8.ToArray(), 0];

    [Fact]
    public void TryReadName_PlainName_IsTextWithTheTrailingDotAndMovesPastIt()
    {
        var message = Message([.. Example, 0, 1, 0, 1]);
        var reader = new DnsMessageReader(message);
        var text = new char[DnsQuery.MaxNameTextLength];

        Assert.True(reader.TryReadName(text, out var length));

        Assert.Equal("example.com.", new string(text, 0, length));
        Assert.Equal(12 + Example.Length, reader.Position);
    }

    [Fact]
    public void TryReadName_Root_IsADot()
    {
        var reader = new DnsMessageReader(Message([0]));
        var text = new char[4];

        Assert.True(reader.TryReadName(text, out var length));
        Assert.Equal(".", new string(text, 0, length));
        Assert.Equal(13, reader.Position);
    }

    [Fact]
    public void TryReadName_DotOrNulInsideALabel_IsNul()
    {
        var reader = new DnsMessageReader(Message([3, (byte)'a', (byte)'.', 0, 0]));
        var text = new char[10];

        Assert.True(reader.TryReadName(text, out var length));
        Assert.Equal("a\0\0.", new string(text, 0, length));
    }

    [Fact]
    public void TryReadName_BackwardPointer_IsFollowedAndPositionIsAfterThePointer()
    {
        // "www" then a pointer to "example.com" at offset 12.
        var message = Message([.. Example, 3, .. "www"u8.ToArray(), 0xC0, 12]);
        var reader = new DnsMessageReader(message, 12 + Example.Length);
        var text = new char[DnsQuery.MaxNameTextLength];
        var wire = new byte[DnsQuery.MaxNameLength];

        Assert.True(reader.TryReadName(text, out var length));
        Assert.Equal("www.example.com.", new string(text, 0, length));
        Assert.Equal(message.Length, reader.Position);

        var copy = new DnsMessageReader(message, 12 + Example.Length);
        Assert.True(copy.TryCopyName(wire, out var wireLength));
        Assert.Equal([3, .. "www"u8.ToArray(), .. Example], wire[..wireLength]);
    }

    public static TheoryData<string, byte[]> BadNames() => new()
    {
        { "pointer to itself (a loop)", [0xC0, 12] },
        { "pointer forwards", [0xC0, 14, 0, 1, 0] },
        { "pointers in a loop", [1, (byte)'a', 0xC0, 16, 0xC0, 12] },
        { "label type 0x40", [0x41, (byte)'a', 0] },
        { "label type 0x80", [0x81, (byte)'a', 0] },
        { "label past the end", [5, (byte)'a', (byte)'b'] },
        { "no root octet", [1, (byte)'a'] },
        { "pointer cut in half", [0xC0] },
        { "empty", [] },
        { "256 octets", [.. Labels(4, 63), 0] }, // 4 × 64 + 1
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public void EveryNameRead_BadName_FailsAndLeavesThePosition(string what, byte[] body)
    {
        var message = Message(body);
        var text = new char[DnsQuery.MaxNameTextLength + 2];
        var wire = new byte[512];
        var start = new DnsMessageReader(message).Position;

        var skip = new DnsMessageReader(message);
        var read = new DnsMessageReader(message);
        var copy = new DnsMessageReader(message);
        var record = new DnsMessageReader(message);

        Assert.False(skip.TrySkipName(), what);
        Assert.False(read.TryReadName(text, out var length), what);
        Assert.False(copy.TryCopyName(wire, out var wireLength), what);
        Assert.False(record.TrySkipRecord(), what);
        Assert.Equal((0, 0), (length, wireLength));
        Assert.Equal(start, skip.Position);
        Assert.Equal(start, read.Position);
        Assert.Equal(start, copy.Position);
        Assert.Equal(start, record.Position);
    }

    [Fact]
    public void TryCopyName_255Octets_IsWhole()
    {
        var name = Labels(3, 63).Concat(Labels(1, 61)).Append((byte)0).ToArray(); // 3 × 64 + 62 + 1 = 255
        var reader = new DnsMessageReader(Message(name));
        var wire = new byte[DnsQuery.MaxNameLength];
        var text = new char[DnsQuery.MaxNameTextLength];

        Assert.True(reader.TryCopyName(wire, out var length));
        Assert.Equal(255, length);
        Assert.Equal(name, wire);
        Assert.True(new DnsMessageReader(Message(name)).TryReadName(text, out var textLength));
        Assert.Equal(DnsQuery.MaxNameTextLength, textLength);
    }

    [Fact]
    public void TryReadName_ThirtyTwoPointerHops_AreFollowedAndThirtyThreeAreNot()
    {
        // A root at 12, then pointers each to the one before: the last one takes as many hops as there are pointers.
        List<byte> body = [0];
        for (var i = 0; i < 33; i++)
        {
            var target = i == 0 ? 12 : 13 + (2 * (i - 1));
            body.AddRange([0xC0, (byte)target]);
        }

        var message = Message([.. body]);
        var text = new char[4];
        var thirtyTwo = new DnsMessageReader(message, 13 + (2 * 31));
        var thirtyThree = new DnsMessageReader(message, 13 + (2 * 32));

        Assert.True(thirtyTwo.TryReadName(text, out _));
        Assert.False(thirtyThree.TryReadName(text, out _));
    }

    [Fact]
    public void TryReadName_CompressionNotAllowed_RejectsAPointer()
    {
        var message = Message([.. Example, 0xC0, 12]);
        var reader = new DnsMessageReader(message, 12 + Example.Length);

        Assert.False(reader.TryReadName(new char[DnsQuery.MaxNameTextLength], out _, allowCompression: false));
        Assert.True(reader.TryReadName(new char[DnsQuery.MaxNameTextLength], out _));
    }

    [Fact]
    public void TryReadNameAndTryCopyName_DestinationTooSmall_Fail()
    {
        var message = Message(Example);

        Assert.False(new DnsMessageReader(message).TryReadName(new char[11], out _));
        Assert.True(new DnsMessageReader(message).TryReadName(new char[12], out _));
        Assert.False(new DnsMessageReader(message).TryCopyName(new byte[Example.Length - 1], out _));
        Assert.False(new DnsMessageReader(message).TryReadName(Span<char>.Empty, out _));
        Assert.True(new DnsMessageReader(message).TryCopyName(new byte[Example.Length], out _));
    }

    [Fact]
    public void TryReadRecordHeader_OptRecord_ReadsItsFields()
    {
        byte[] opt = [0, 0, 41, 0x10, 0x00, 0x01, 0x00, 0x80, 0x00, 0, 2, 0xAA, 0xBB];
        var reader = new DnsMessageReader(Message(opt, questions: 0, additional: 1));

        Assert.True(reader.TrySkipName());
        Assert.True(reader.TryReadRecordHeader(out var header));

        Assert.Equal(RecordType.OPT, header.Type);
        Assert.Equal(4096, header.UdpPayloadSize);
        Assert.Equal(1, header.ExtendedResponseCode);
        Assert.Equal(0, header.EdnsVersion);
        Assert.True(header.DnssecOk);
        Assert.Equal((23, 2), (header.DataOffset, header.DataLength));
        Assert.Equal(23, reader.Position);
        Assert.Equal(1, reader.AdditionalCount);
    }

    [Fact]
    public void TryReadRecordHeader_DataPastTheEnd_FailsAndLeavesThePosition()
    {
        var reader = new DnsMessageReader(Message([0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 0, 0], questions: 0, answers: 1));
        Assert.True(reader.TrySkipName());

        Assert.False(reader.TryReadRecordHeader(out _));
        Assert.Equal(13, reader.Position);
    }

    [Fact]
    public void Reads_PositionOutsideTheMessageOrShortHeader_FailWithoutThrowing()
    {
        var outside = new DnsMessageReader(Message(Example), -1);
        var past = new DnsMessageReader(Message(Example), 1000);
        var runt = new DnsMessageReader([1, 2, 3]);

        Assert.False(outside.TrySkipName());
        Assert.False(outside.TrySkip(1));
        Assert.False(past.TryReadTypeAndClass(out _, out _));
        Assert.False(past.TryReadRecordHeader(out _));
        Assert.False(runt.TrySkipQuestion());
        Assert.Equal((0, 0, 0, 0), (runt.QuestionCount, runt.AnswerCount, runt.AuthorityCount, runt.AdditionalCount));
        Assert.False(new DnsMessageReader(Message(Example)).TrySkip(-1));
    }

    private static IEnumerable<byte> Labels(int count, int length) =>
        Enumerable.Range(0, count).SelectMany(_ => new[] { (byte)length }.Concat(Enumerable.Repeat((byte)'x', length)));
}
