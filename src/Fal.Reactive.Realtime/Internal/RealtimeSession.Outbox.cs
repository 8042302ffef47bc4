namespace Fal.Reactive;

/// <content>The outgoing side: inputs queue until a socket is open, then go out in order, one send at a time.</content>
internal sealed partial class RealtimeSession
{
    /// <summary>Sends a frame now when connected, else once connected (re-opening an idle connection).</summary>
    public void Send(byte[] data)
    {
        bool pump = false, connect = false;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _outbox.Enqueue(data);
            if (_socket is not null && !_pumping)
            {
                _pumping = pump = true;
            }
            else if (!_running)
            {
                _running = connect = true;
            }
        }

        if (pump)
        {
            _ = PumpAsync();
        }
        else if (connect)
        {
            _ = RunAsync();
        }
    }

    private bool Opened(IRealtimeSocket socket)
    {
        bool pump;
        lock (_gate)
        {
            if (_ended)
            {
                return false;
            }

            _socket = socket;
            pump = _outbox.Count > 0 && !_pumping;
            _pumping |= pump;
        }

        if (pump)
        {
            _ = PumpAsync();
        }

        return true;
    }

    /// <summary>Sends the queued frames in order on the current socket; a frame leaves the queue once sent.</summary>
    private async Task PumpAsync()
    {
        var ct = _cts.Token;
        while (true)
        {
            IRealtimeSocket socket;
            byte[] item;
            lock (_gate)
            {
                if (_ended || _socket is null || _outbox.Count == 0)
                {
                    _pumping = false;
                    return;
                }

                socket = _socket;
                item = _outbox.Peek();
            }

            try
            {
                await socket.SendAsync(item, ct).ConfigureAwait(false);
            }
            catch (Exception)
            {
                lock (_gate)
                {
                    // A dropped socket: the read loop reconnects, and the frame goes out on the next one.
                    if (_socket == socket || _socket is null)
                    {
                        _pumping = false;
                        return;
                    }
                }

                continue;
            }

            lock (_gate)
            {
                if (_outbox.Count > 0 && ReferenceEquals(_outbox.Peek(), item))
                {
                    _outbox.Dequeue();
                }
            }
        }
    }
}
