using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Diagnostics;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Serving;

/// <summary>
/// Response rate limiting for UDP (docs/server.md, "Response rate limiting"), in the style of BIND's and Knot's RRL: a
/// spoofed query makes the server send its answer to the victim, so the same answer to the same client network is sent
/// at most <c>rate</c> times a second, and the rest are suppressed. Of the suppressed answers every <c>slip</c>-th
/// is sent as an empty truncated reply (TC = 1, the question and no records), so a real client behind the address
/// retries over TCP (RFC 7766 §5), which cannot be spoofed, and still gets its answer; the others are dropped.
/// <para>
/// An answer is identified by the client's network (/24 for IPv4, /56 for IPv6, the prefixes one site usually holds)
/// and what the response says, read from the response itself (so whatever wrote it, the key is the same): a positive answer by its
/// question name and type; NXDOMAIN and NODATA by the zone, the owner of the first authority record (the SOA, RFC 2308
/// §3), so random names under one zone count as one answer; any other code by the code alone.
/// </para>
/// <para>
/// The accounts are a fixed table of 65,536 buckets indexed by a seeded hash of that key; a key that lands on a bucket
/// held by another takes it over with a full allowance, so a collision lets answers through rather than suppressing
/// someone else's. Each bucket is a generic cell rate account (a token bucket with a one-second window): it allows a
/// burst of <c>rate</c> answers and then one every 1/<c>rate</c> seconds. Deciding takes one striped lock and
/// allocates nothing.
/// </para>
/// </summary>
internal sealed class ResponseRateLimiter
{
    /// <summary>The most responses per second per answer and client network the option accepts.</summary>
    public const int MaxRate = 1_000_000;

    /// <summary>Every second suppressed answer is sent as an empty truncated reply: BIND's and Knot's default.</summary>
    public const int DefaultSlip = 2;

    /// <summary>The largest slip: rarer replies leave real clients waiting for their retries instead.</summary>
    public const int MaxSlip = 10;

    /// <summary>The IPv4 prefix that counts as one client (BIND's ipv4-prefix-length, Knot's default).</summary>
    public const int IPv4PrefixLength = 24;

    /// <summary>The IPv6 prefix that counts as one client (BIND's ipv6-prefix-length, Knot's default).</summary>
    public const int IPv6PrefixLength = 56;

    private const int BucketBits = 16;
    private const int StripeCount = 256;
    private const ulong FnvOffset = 0xCBF2_9CE4_8422_2325UL;
    private const ulong FnvPrime = 0x0000_0100_0000_01B3UL;

    /// <summary>An IPv4 client as IPv4-mapped IPv6 (RFC 4291 §2.5.5.2) keeps its top 96 + 24 bits.</summary>
    private static readonly UInt128 IPv4Mask = UInt128.MaxValue << (32 - IPv4PrefixLength);

    private static readonly UInt128 IPv6Mask = UInt128.MaxValue << (128 - IPv6PrefixLength);

    private readonly Bucket[] _buckets = new Bucket[1 << BucketBits];
    private readonly Lock[] _stripes = new Lock[StripeCount];
    private readonly TimeProvider _time;
    private readonly DnsServerMetrics? _metrics;
    private readonly ulong _seed;
    private readonly int _slip;

    /// <summary>Timestamp ticks between two answers at the steady rate.</summary>
    private readonly long _interval;

    /// <summary>How far ahead of now an account may run: the one-second window less one interval, so a burst is <c>rate</c>.</summary>
    private readonly long _tolerance;

    private ResponseRateLimiter(int rate, int slip, TimeProvider time, DnsServerMetrics? metrics)
    {
        _time = time;
        _metrics = metrics;
        _slip = slip;
        _interval = Math.Max(1, time.TimestampFrequency / rate);
        _tolerance = time.TimestampFrequency - _interval;
        _seed = (ulong)Random.Shared.NextInt64();
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Lock();
        }
    }

    /// <summary>What to do with one response.</summary>
    public enum Verdict
    {
        /// <summary>Within the rate: send it as it is.</summary>
        Send,

        /// <summary>Over the rate: send nothing.</summary>
        Drop,

        /// <summary>Over the rate, and this one slips: send the empty truncated reply instead.</summary>
        Slip,
    }

    /// <summary>A limiter for <paramref name="rate"/> responses a second, or null when <paramref name="rate"/> is 0 (off).</summary>
    public static ResponseRateLimiter? Create(int rate, int slip, TimeProvider time, DnsServerMetrics? metrics) =>
        rate == 0 ? null : new ResponseRateLimiter(rate, slip, time, metrics);

    /// <summary>
    /// Checks the options behind a limiter: null when they are valid, else what is wrong, with the value, and in
    /// <paramref name="option"/> which option (as <c>KubeDnsServerOptions</c> names it).
    /// </summary>
    public static string? Check(int rate, int slip, TimeProvider? time, out string option)
    {
        if (rate is < 0 or > MaxRate)
        {
            option = "ResponseRateLimit";
            return $"{rate} is not in 0..{MaxRate} (responses per second; 0 turns rate limiting off).";
        }

        if (slip is < 0 or > MaxSlip)
        {
            option = "ResponseRateLimitSlip";
            return $"{slip} is not in 0..{MaxSlip} (0 never slips, 1 slips every suppressed answer).";
        }

        option = "TimeProvider";
        return time is null ? "is required." : null;
    }

    /// <summary>
    /// Rate-limits <paramref name="response"/> to <paramref name="client"/>: its length when it is to be sent, the
    /// length of the empty truncated reply it was rewritten to in place when it slips, 0 when it is dropped.
    /// </summary>
    public int Limit(IPAddress client, Span<byte> response)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!client.TryWriteBytes(bytes, out var written))
        {
            return response.Length;
        }

        return Limit(written == 4 ? Mapped(BinaryPrimitives.ReadUInt32BigEndian(bytes)) : BinaryPrimitives.ReadUInt128BigEndian(bytes), response);
    }

    /// <summary>As <see cref="Limit(IPAddress, Span{byte})"/>, for a sender as a <see cref="SocketAddress"/>.</summary>
    public int Limit(SocketAddress client, Span<byte> response) => Limit(client.Buffer.Span[..client.Size], client.Family, response);

    /// <summary>
    /// As <see cref="Limit(IPAddress, Span{byte})"/>, for a sender as a native socket address of <paramref name="family"/>:
    /// sockaddr_in keeps the address at offset 4, sockaddr_in6 at offset 8, on every platform .NET runs on.
    /// </summary>
    public int Limit(ReadOnlySpan<byte> socketAddress, AddressFamily family, Span<byte> response) => family switch
    {
        AddressFamily.InterNetwork when socketAddress.Length >= 8 => Limit(Mapped(BinaryPrimitives.ReadUInt32BigEndian(socketAddress[4..])), response),
        AddressFamily.InterNetworkV6 when socketAddress.Length >= 24 => Limit(BinaryPrimitives.ReadUInt128BigEndian(socketAddress[8..]), response),
        _ => response.Length,
    };

    /// <summary>The verdict for one response to <paramref name="client"/> (an IPv6 address, IPv4 as IPv4-mapped), counted.</summary>
    public Verdict Decide(UInt128 client, ReadOnlySpan<byte> response)
    {
        var key = Key(client, response);
        var index = (int)(key >> (64 - BucketBits));
        var now = _time.GetTimestamp();
        bool slip;
        lock (_stripes[index & (StripeCount - 1)])
        {
            ref var bucket = ref _buckets[index];
            if (bucket.Key != key)
            {
                bucket = new Bucket { Key = key, Due = now };
            }

            var due = Math.Max(bucket.Due, now);
            if (due - now <= _tolerance)
            {
                bucket.Due = due + _interval;
                return Verdict.Send;
            }

            bucket.Suppressed++;
            slip = _slip != 0 && bucket.Suppressed % (uint)_slip == 0;
        }

        if (slip)
        {
            _metrics?.RrlSlip();
            return Verdict.Slip;
        }

        _metrics?.RrlDrop();
        return Verdict.Drop;
    }

    /// <summary>
    /// Rewrites <paramref name="response"/> in place to the empty truncated reply (header and question, TC = 1, no
    /// records; the ID, flags and response code unchanged) and returns its length.
    /// </summary>
    public static int WriteSlip(Span<byte> response)
    {
        if (response.Length < DnsWire.HeaderLength)
        {
            return 0;
        }

        var reader = new DnsMessageReader(response);
        var length = reader.QuestionCount > 0 && reader.TrySkipQuestion() ? reader.Position : DnsWire.HeaderLength;
        response[2] |= 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(response[4..], (ushort)(length > DnsWire.HeaderLength ? 1 : 0));
        response[6..DnsWire.HeaderLength].Clear();
        return length;
    }

    private static UInt128 Mapped(uint address) => new(0, 0xFFFF_0000_0000UL | address);

    /// <summary>
    /// Folds the name at <paramref name="offset"/> into <paramref name="hash"/> (FNV-1a over its uncompressed wire form,
    /// ASCII letters folded to lower case, as names compare, RFC 4343; length octets are below 64, never letters);
    /// false when it is not a name (<see cref="DnsMessageReader"/> decides).
    /// </summary>
    private static bool HashName(ReadOnlySpan<byte> message, int offset, ref ulong hash)
    {
        Span<byte> name = stackalloc byte[DnsQuery.MaxNameLength];
        scoped var reader = new DnsMessageReader(message, offset);
        if (!reader.TryCopyName(name, out var length))
        {
            return false;
        }

        foreach (var b in name[..length])
        {
            hash = (hash ^ (b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b)) * FnvPrime;
        }

        return true;
    }

    /// <summary>The finaliser of splitmix64: spreads every input bit over the whole word.</summary>
    private static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>The hash of the client's network and the answer the response gives (see the class remarks).</summary>
    private ulong Key(UInt128 client, ReadOnlySpan<byte> response)
    {
        var prefix = client & ((client >> 32) == 0xFFFF ? IPv4Mask : IPv6Mask);
        var name = FnvOffset;
        var kind = Kind.Error;
        var detail = 0;
        if (response.Length >= DnsWire.HeaderLength)
        {
            var code = response[3] & 0x0F;
            var reader = new DnsMessageReader(response);
            var answers = reader.AnswerCount;
            var type = RecordType.None;
            var hasQuestion = reader.QuestionCount > 0 && reader.TrySkipName() && reader.TryReadTypeAndClass(out type, out _);
            if (code == 0 && answers > 0 && hasQuestion && HashName(response, DnsWire.HeaderLength, ref name))
            {
                kind = Kind.Answer;
                detail = (int)type;
            }
            else if (code is 0 or 3)
            {
                kind = code == 0 ? Kind.NoData : Kind.NxDomain;
                name = FnvOffset;
                if (hasQuestion && ZoneOffset(response, reader.Position, answers) is var zone and > 0 && !HashName(response, zone, ref name))
                {
                    name = FnvOffset;
                }
            }
            else
            {
                detail = code;
            }
        }

        var key = Mix(_seed ^ (ulong)(prefix >> 64));
        key = Mix(key ^ (ulong)prefix);
        key = Mix(key ^ ((ulong)kind << 32) ^ (uint)detail);
        return Mix(key ^ name);
    }

    /// <summary>Where the owner of the first authority record starts, past <paramref name="answers"/> records; -1 when there is none.</summary>
    private static int ZoneOffset(ReadOnlySpan<byte> response, int offset, int answers)
    {
        var reader = new DnsMessageReader(response, offset);
        if (reader.AuthorityCount == 0 || !reader.TrySkip(0))
        {
            return -1;
        }

        for (var i = 0; i < answers; i++)
        {
            if (!reader.TrySkipRecord())
            {
                return -1;
            }
        }

        return reader.Position < response.Length ? reader.Position : -1;
    }

    /// <summary>
    /// Rate-limits one response: decides, rewrites it when it slips, and returns the length to send (0: nothing).
    /// </summary>
    private int Limit(UInt128 client, Span<byte> response) => Decide(client, response) switch
    {
        Verdict.Send => response.Length,
        Verdict.Slip => WriteSlip(response),
        _ => 0,
    };

    private enum Kind
    {
        Answer = 1,
        NoData,
        NxDomain,
        Error,
    }

    /// <summary>One account: whose it is, when its next answer is due at the steady rate, and answers suppressed so far.</summary>
    private struct Bucket
    {
        public ulong Key;
        public long Due;
        public uint Suppressed;
    }
}
