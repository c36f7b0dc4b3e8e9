// vm-sub: prints libvirt VM events published over MQTT by vm-pub.
#include "subscriber/subscriber.h"

int main(int argc, char** argv) { return vme::sub::run_vm_sub(argc, argv); }
