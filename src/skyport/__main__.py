from skyport.cli import main

main()
