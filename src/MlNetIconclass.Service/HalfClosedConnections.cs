using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace MlNetIconclass.Service;

/// <summary>
/// Lets a client half-close: send its request, shut down its sending side, and still read the answer, as HTTP/1.1
/// allows (RFC 9112: a half-closed connection does not mean the client has lost interest). Kestrel takes the client's
/// FIN for the end of the connection: it aborts the response in flight, and a body that came with the FIN counts as
/// cut short. This connection middleware defers the FIN until what came before it has been read (see
/// <see cref="FinDeferringReader"/>) and does not pass it on as the connection closing. A reset still fails the write,
/// and a body that is really cut short still fails reading it.
/// </summary>
internal sealed class HalfClosedConnections(ConnectionContext inner) : ConnectionContext
{
    private readonly IDuplexPipe _transport = new DeferredFinPipe(inner.Transport);

    public static ConnectionDelegate Middleware(ConnectionDelegate next) =>
        connection => next(new HalfClosedConnections(connection));

    public override string ConnectionId
    {
        get => inner.ConnectionId;
        set => inner.ConnectionId = value;
    }

    public override IFeatureCollection Features => inner.Features;

    public override IDictionary<object, object?> Items
    {
        get => inner.Items;
        set => inner.Items = value;
    }

    public override IDuplexPipe Transport
    {
        get => _transport;
        set => throw new NotSupportedException("The half-close middleware's transport is not replaced.");
    }

    /// <summary>Never fires on the client's FIN; the connection ends when Kestrel ends it.</summary>
    public override CancellationToken ConnectionClosed
    {
        get => CancellationToken.None;
        set { }
    }

    public override EndPoint? LocalEndPoint
    {
        get => inner.LocalEndPoint;
        set => inner.LocalEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => inner.RemoteEndPoint;
        set => inner.RemoteEndPoint = value;
    }

    public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}

internal sealed class DeferredFinPipe(IDuplexPipe inner) : IDuplexPipe
{
    public PipeReader Input { get; } = new FinDeferringReader(inner.Input);

    public PipeWriter Output => inner.Output;
}

/// <summary>
/// Reports the end of the input only once everything before it has been examined: data that came with the FIN is
/// handed on as if more could follow, and the next read after all of it was examined gives the end.
/// </summary>
internal sealed class FinDeferringReader(PipeReader inner) : PipeReader
{
    private SequencePosition? _deferredEnd;
    private bool _examinedAll;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        Defer(await inner.ReadAsync(cancellationToken));

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
            return false;
        result = Defer(result);
        return true;
    }

    private ReadResult Defer(ReadResult result)
    {
        if (!result.IsCompleted || result.Buffer.IsEmpty || _examinedAll)
            return result;
        _deferredEnd = result.Buffer.End;
        return new ReadResult(result.Buffer, result.IsCanceled, isCompleted: false);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _examinedAll = _deferredEnd is { } end && examined.Equals(end);
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
