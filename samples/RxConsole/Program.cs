Console.WriteLine("RxConsole");
