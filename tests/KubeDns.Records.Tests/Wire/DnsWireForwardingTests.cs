using System.Buffers.Binary;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Wire;
using RecordType = KubeDns.Records.RecordType;

namespace KubeDns.Records.Tests.Wire;

/// <summary>
/// The forwarding half of the protocol (specification.md §15.5): what <see cref="DnsWire.TryRespond"/> tells a host
/// about an outside CNAME target, the query for it, appending its answer, and relaying a forwarded reply.
/// </summary>
public class DnsWireForwardingTests
{
    private static readonly ClusterSnapshot Snapshot = ExampleCluster.Create().Current;

    [Fact]
    public void TryRespond_CnameToAnOutsideName_GivesTheTargetsOffsetAndTheLimit()
    {
        var query = WireQuery.Build("external-api.default.svc.cluster.local", (ushort)RecordType.A, edns: 4096);
        var response = new byte[4096];

        var result = DnsWire.TryRespond(Snapshot, query, response, DnsTransport.Udp, default);

        Assert.True(result.HasExternalTarget);
        Assert.Equal(DnsWire.DefaultUdpPayloadSize, result.ResponseLimit);
        var reader = new DnsMessageReader(response.AsSpan(0, result.BytesWritten), result.ExternalTargetOffset);
        var name = new char[DnsQuery.MaxNameTextLength];
        Assert.True(reader.TryReadName(name, out var length));
        Assert.Equal("api.example.com.", new string(name, 0, length));
    }

    [Theory]
    [InlineData("external-api.default.svc.cluster.local", RecordType.CNAME)] // the CNAME itself is the answer
    [InlineData("quote-alias.kiada.svc.cluster.local", RecordType.A)] // the target is ours
    [InlineData("quote.kiada.svc.cluster.local", RecordType.A)]
    public void TryRespond_NoOutsideTargetToChase_HasNone(string name, RecordType type)
    {
        var result = DnsWire.TryRespond(Snapshot, WireQuery.Build(name, (ushort)type), new byte[512], DnsTransport.Udp, default);

        Assert.False(result.HasExternalTarget);
        Assert.Equal(0, result.ExternalTargetOffset);
    }

    [Theory]
    [InlineData(DnsTransport.Udp, 4096, 1232)]
    [InlineData(DnsTransport.Udp, null, 512)]
    [InlineData(DnsTransport.Tcp, null, 65535)]
    public void TryRespond_Forward_CarriesTheLimitTheReplyMustFit(DnsTransport transport, int? edns, int limit)
    {
        var result = DnsWire.TryRespond(Snapshot, WireQuery.Build("example.com", 1, edns: edns), new byte[65535], transport, new DnsWireOptions { FallThrough = true });

        Assert.Equal(DnsRespondStatus.Forward, result.Status);
        Assert.Equal(limit, result.ResponseLimit);
    }

    [Fact]
    public void TryWriteTargetQuery_FromTheResponseAlone_IsTheQueryForTheTarget()
    {
        var (response, result) = Respond("External-Api.default.svc.cluster.local", RecordType.AAAA, edns: null);
        var query = new byte[512];

        Assert.True(DnsWire.TryWriteTargetQuery(response, result, query, out var length));

        Assert.Equal(WireQuery.Build("api.example.com", (ushort)RecordType.AAAA, id: 0x1234, edns: 4096), query[..length]);
    }

    [Fact]
    public void TryWriteTargetQuery_NoTargetOrTooSmall_ReturnsFalse()
    {
        var (response, result) = Respond("quote.kiada.svc.cluster.local", RecordType.A, edns: null);
        Assert.False(DnsWire.TryWriteTargetQuery(response, result, new byte[512], out _));

        var (external, targetResult) = Respond("external-api.default.svc.cluster.local", RecordType.A, edns: null);
        Assert.False(DnsWire.TryWriteTargetQuery(external, targetResult, new byte[20], out var length));
        Assert.Equal(0, length);
    }

    [Fact]
    public void TryAppendTargetAnswer_UpstreamAnswer_FollowsOurCnameWithNamesInFull()
    {
        var (response, result) = Respond("external-api.default.svc.cluster.local", RecordType.A, edns: 4096);
        var target = new byte[512];
        Assert.True(DnsWire.TryWriteTargetQuery(response, result, target, out var targetLength));
        var reply = FakeUpstream.Reply(target.AsSpan(0, targetLength), 0x7777, 0, "93.184.216.34", "93.184.216.35");

        var appended = DnsWire.TryAppendTargetAnswer(response, result, reply);

        Assert.Equal(DnsRespondStatus.Respond, appended.Status);
        Assert.False(appended.Truncated);
        var message = DnsMessage.Parse(new ArraySegment<byte>(response, 0, appended.BytesWritten));
        Assert.Equal(
            ["external-api.default.svc.cluster.local. 5 IN CNAME api.example.com.", "api.example.com. 3600 IN A 93.184.216.34", "api.example.com. 3600 IN A 93.184.216.35"],
            message.AnswerRecords.Select(Line));
        Assert.Equal(4096, message.EDnsOptions!.UdpPayloadSize);
        Assert.True(message.IsAuthoritiveAnswer);
    }

    [Fact]
    public void TryAppendTargetAnswer_UpstreamNxdomain_TakesItsResponseCode()
    {
        var (response, result) = Respond("external-api.default.svc.cluster.local", RecordType.A, edns: null);
        var target = new byte[512];
        Assert.True(DnsWire.TryWriteTargetQuery(response, result, target, out var targetLength));

        var appended = DnsWire.TryAppendTargetAnswer(response, result, FakeUpstream.Reply(target.AsSpan(0, targetLength), 1, 3));

        Assert.Equal(ResponseCode.NameError, appended.ResponseCode);
        Assert.Equal(3, response[3] & 0xF);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(6)));
    }

    [Fact]
    public void TryAppendTargetAnswer_RRsetOverTheLimit_IsLeftOutWholeWithTc()
    {
        var (response, result) = Respond("external-api.default.svc.cluster.local", RecordType.A, edns: null);
        var target = new byte[512];
        Assert.True(DnsWire.TryWriteTargetQuery(response, result, target, out var targetLength));
        var addresses = Enumerable.Range(1, 40).Select(i => $"192.0.2.{i}").ToArray();

        var appended = DnsWire.TryAppendTargetAnswer(response, result, FakeUpstream.Reply(target.AsSpan(0, targetLength), 1, 0, addresses));

        Assert.True(appended.Truncated);
        Assert.True(appended.BytesWritten <= 512);
        var message = DnsMessage.Parse(new ArraySegment<byte>(response, 0, appended.BytesWritten));
        Assert.True(message.IsTruncated);
        Assert.Equal(["external-api.default.svc.cluster.local. 5 IN CNAME api.example.com."], message.AnswerRecords.Select(Line));
    }

    [Fact]
    public void TryAppendTargetAnswer_UnreadableReply_LeavesOurResponse()
    {
        var (response, result) = Respond("external-api.default.svc.cluster.local", RecordType.A, edns: null);
        var before = response[..result.BytesWritten];

        var appended = DnsWire.TryAppendTargetAnswer(response, result, [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xC0]);

        Assert.Equal(result, appended);
        Assert.Equal(before, response[..result.BytesWritten]);
    }

    [Fact]
    public void TryRelayReply_UpstreamReply_GetsTheClientsIdQuestionAndOurPayload()
    {
        var query = WireQuery.Build("WwW.Example.COM", 1, id: 0x4242, edns: 4096);
        var reply = FakeUpstream.Reply(query, 0x9999, 0, "93.184.216.34");
        var destination = new byte[4096];

        var result = DnsWire.TryRelayReply(query, reply, destination, DnsTransport.Udp, default);

        Assert.Equal(DnsRespondStatus.Respond, result.Status);
        Assert.Equal(reply.Length, result.BytesWritten);
        Assert.Equal(query.AsSpan(12, 21).ToArray(), destination[12..33]);
        var message = DnsMessage.Parse(new ArraySegment<byte>(destination, 0, result.BytesWritten));
        Assert.Equal(0x4242, message.TransactionID);
        Assert.Equal(DnsWire.DefaultUdpPayloadSize, message.EDnsOptions!.UdpPayloadSize);
        Assert.Equal("WwW.Example.COM.", message.Questions[0].Name.ToString());
    }

    [Fact]
    public void TryRelayReply_InPlace_IsTheSame()
    {
        var query = WireQuery.Build("www.example.com", 1, edns: null);
        var reply = FakeUpstream.Reply(query, 0x9999, 0, "93.184.216.34");
        var copy = new byte[512];
        var expected = DnsWire.TryRelayReply(query, reply, copy, DnsTransport.Udp, default);

        var inPlace = new byte[512];
        reply.CopyTo(inPlace, 0);
        var result = DnsWire.TryRelayReply(query, inPlace.AsSpan(0, reply.Length), inPlace, DnsTransport.Udp, default);

        Assert.Equal(expected, result);
        Assert.Equal(copy[..expected.BytesWritten], inPlace[..result.BytesWritten]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TryRelayReply_OverTheClientsLimitOrTruncatedUpstream_IsTcWithTheQuestionAlone(bool upstreamTruncated)
    {
        var query = WireQuery.Build("www.example.com", 1, edns: null);
        var count = upstreamTruncated ? 1 : 40;
        var reply = FakeUpstream.Reply(query, 1, 0, [.. Enumerable.Range(1, count).Select(i => $"192.0.2.{i}")]);
        if (upstreamTruncated)
        {
            reply[2] |= 0x02;
        }

        var destination = new byte[65535];
        var result = DnsWire.TryRelayReply(query, reply, destination, DnsTransport.Udp, default);

        Assert.True(result.Truncated);
        var message = DnsMessage.Parse(new ArraySegment<byte>(destination, 0, result.BytesWritten));
        Assert.True(message.IsTruncated);
        Assert.Empty(message.AnswerRecords);
        Assert.Single(message.Questions);
        Assert.Equal(0x1234, message.TransactionID);
    }

    [Fact]
    public void TryRelayReply_OverTcp_RelaysTheWholeReply()
    {
        var query = WireQuery.Build("www.example.com", 1, edns: null);
        var reply = FakeUpstream.Reply(query, 1, 0, [.. Enumerable.Range(1, 40).Select(i => $"192.0.2.{i}")]);

        var result = DnsWire.TryRelayReply(query, reply, new byte[65535], DnsTransport.Tcp, default);

        Assert.False(result.Truncated);
        Assert.Equal(reply.Length, result.BytesWritten);
    }

    [Fact]
    public void TryRelayReply_ReplyToAnotherQuestion_IsServfail()
    {
        var query = WireQuery.Build("www.example.com", 1, edns: null);
        var reply = FakeUpstream.Reply(WireQuery.Build("www.example.org", 1, edns: null), 1, 0, "192.0.2.1");

        var result = DnsWire.TryRelayReply(query, reply, new byte[512], DnsTransport.Udp, default);

        Assert.Equal(ResponseCode.ServerFailure, result.ResponseCode);
    }

    [Fact]
    public void IsReplyTo_SameIdAndQuestionInAnotherCase_IsTrue()
    {
        var query = WireQuery.Build("WwW.Example.COM", 1, id: 7);

        Assert.True(DnsWire.IsReplyTo(FakeUpstream.Reply(query, 7, 0), query));
    }

    [Fact]
    public void IsReplyTo_AnotherIdTypeNameOrAQuery_IsFalse()
    {
        var query = WireQuery.Build("www.example.com", 1, id: 7);

        Assert.False(DnsWire.IsReplyTo(FakeUpstream.Reply(query, 8, 0), query));
        Assert.False(DnsWire.IsReplyTo(FakeUpstream.Reply(WireQuery.Build("www.example.com", 28, id: 7), 7, 0), query));
        Assert.False(DnsWire.IsReplyTo(FakeUpstream.Reply(WireQuery.Build("www.example.org", 1, id: 7), 7, 0), query));
        Assert.False(DnsWire.IsReplyTo(query, query));
        Assert.False(DnsWire.IsReplyTo([], query));
    }

    private static (byte[] Response, DnsRespondResult Result) Respond(string name, RecordType type, int? edns)
    {
        var response = new byte[edns ?? 512];
        var result = DnsWire.TryRespond(Snapshot, WireQuery.Build(name, (ushort)type, edns: edns), response, DnsTransport.Udp, new DnsWireOptions { MaxUdpPayloadSize = edns ?? 0 });
        return (response, result);
    }

    private static string Line(DnsRecordBase record) =>
        string.Join(' ', record.ToString().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
