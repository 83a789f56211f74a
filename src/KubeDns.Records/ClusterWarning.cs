namespace KubeDns.Records;

/// <summary>
/// Something the cluster state left out although the object was valid, such as a name DNS cannot encode (a port
/// name that makes a 64-octet label, a name over 255 octets; RFC 1035 §2.3.4). The objects are applied; only the
/// name is missing. <see cref="ClusterState.Warning"/> reports each warning once, when it first appears;
/// <see cref="ClusterSnapshot.Warnings"/> lists those that hold in a snapshot.
/// </summary>
public sealed class ClusterWarning
{
    internal ClusterWarning(ObjectKey key, string message)
    {
        Key = key;
        Message = message;
    }

    /// <summary>The object the warning is about: the Service or EndpointSlice whose field gives the name.</summary>
    public ObjectKey Key { get; }

    /// <summary>
    /// The warning in the form of validation errors: object, field, value, then what was left out and why
    /// (<c>Service shop/cart: spec.ports[0].name: '…': _…._tcp.cart.shop.svc.cluster.local. has a 64-octet label …</c>).
    /// </summary>
    public string Message { get; }

    /// <summary>The message.</summary>
    /// <returns><see cref="Message"/>.</returns>
    public override string ToString() => Message;
}
