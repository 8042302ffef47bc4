Console.WriteLine("Fal.Reactive.Emulator");
