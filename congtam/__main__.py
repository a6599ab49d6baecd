from congtam.cli import main

main()
